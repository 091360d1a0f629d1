"""Word lists and translations for synthetic sandbox data.

Everything here is invented: names are common first/last names combined at random, companies
are fictional, and every e-mail address is under ``example.com`` / ``example.org`` (reserved
for documentation by RFC 2606), phone numbers use the fictional 555-01xx range.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Ada", "Ben", "Carla", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kira",
    "Liam", "Mara", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Xavi", "Yara", "Zeno",
)  # fmt: skip

LAST_NAMES = (
    "Andersen", "Brook", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann",
    "Ibarra", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov",
    "Quintero", "Rossi", "Schmidt", "Tanaka", "Ulloa", "Varga", "Weber", "Yilmaz", "Zimmer",
)  # fmt: skip

COMPANIES = (
    "Example Analytics", "Sample Robotics", "Placeholder Foods", "Demo Logistics",
    "Fictional Health", "Testbed Energy", "Mock Media", "Dummy Finance", "Stub Software",
    "Specimen Labs",
)  # fmt: skip

JOB_TITLES = (
    "Marketing Manager", "Data Engineer", "Head of Sales", "Product Owner", "CTO",
    "Operations Lead", "Growth Analyst", "Procurement Specialist", "HR Business Partner",
)  # fmt: skip

CITIES = ("Lisbon", "Berlin", "Austin", "Toronto", "Lyon", "Valencia", "Osaka", "Leeds")
COUNTRIES = ("Portugal", "Germany", "United States", "Canada", "France", "Spain", "Japan")

ACCOUNT_NAMES = (
    "Demand Gen EMEA", "Brand Awareness NA", "Recruiting Campaigns", "Webinar Programme",
    "Product Launches", "Partner Marketing", "Events APAC", "Always-on Lead Gen",
)  # fmt: skip

FORM_NAMES = (
    "Webinar sign-up", "Demo request", "Whitepaper download", "Newsletter subscription",
    "Event registration", "Free trial", "Contact sales", "Price list request",
)  # fmt: skip

CAMPAIGN_NAMES = (
    "Spring promo", "Retargeting", "Lookalike test", "Conversation ads", "Video teaser",
    "Carousel launch", "Evergreen lead gen",
)  # fmt: skip

LOCALES = (("US", "en"), ("ES", "es"), ("DE", "de"), ("FR", "fr"))
"""(country, language) pairs used as form ``creationLocale``."""

# Labels per predefined field: name (creator's language, English here) and per-language text.
PREDEFINED_LABELS: dict[str, dict[str, str]] = {
    "FIRST_NAME": {"en": "First name", "es": "Nombre", "de": "Vorname", "fr": "Prénom"},
    "LAST_NAME": {"en": "Last name", "es": "Apellidos", "de": "Nachname", "fr": "Nom"},
    "EMAIL": {"en": "Email address", "es": "Correo electrónico", "de": "E-Mail", "fr": "E-mail"},
    "WORK_EMAIL": {
        "en": "Work email",
        "es": "Correo del trabajo",
        "de": "Geschäftliche E-Mail",
        "fr": "E-mail professionnel",
    },
    "COMPANY_NAME": {"en": "Company name", "es": "Empresa", "de": "Firma", "fr": "Entreprise"},
    "JOB_TITLE": {"en": "Job title", "es": "Cargo", "de": "Position", "fr": "Poste"},
    "PHONE_NUMBER": {"en": "Phone number", "es": "Teléfono", "de": "Telefon", "fr": "Téléphone"},
    "COUNTRY": {"en": "Country/Region", "es": "País", "de": "Land", "fr": "Pays"},
    "CITY": {"en": "City", "es": "Ciudad", "de": "Stadt", "fr": "Ville"},
}

OPTIONAL_PREDEFINED = ("COMPANY_NAME", "JOB_TITLE", "PHONE_NUMBER", "COUNTRY", "CITY")

# Custom multiple-choice questions: (name, {lang: question}, [{lang: option}, ...]).
CHOICE_QUESTIONS: tuple[tuple[str, dict[str, str], tuple[dict[str, str], ...]], ...] = (
    (
        "Team size",
        {"en": "How big is your team?", "es": "¿Tamaño del equipo?", "de": "Teamgröße?",
         "fr": "Taille de l'équipe ?"},
        (
            {"en": "1-10", "es": "1-10", "de": "1-10", "fr": "1-10"},
            {"en": "11-50", "es": "11-50", "de": "11-50", "fr": "11-50"},
            {"en": "51-200", "es": "51-200", "de": "51-200", "fr": "51-200"},
            {"en": "200+", "es": "200+", "de": "200+", "fr": "200+"},
        ),
    ),
    (
        "Favourite colour",
        {"en": "Pick a colour", "es": "Elige un color", "de": "Wähle eine Farbe",
         "fr": "Choisissez une couleur"},
        (
            {"en": "Red", "es": "Rojo", "de": "Rot", "fr": "Rouge"},
            {"en": "Blue", "es": "Azul", "de": "Blau", "fr": "Bleu"},
            {"en": "Green", "es": "Verde", "de": "Grün", "fr": "Vert"},
        ),
    ),
    (
        "Buying timeline",
        {"en": "When do you plan to buy?", "es": "¿Cuándo piensa comprar?",
         "de": "Wann planen Sie den Kauf?", "fr": "Quand prévoyez-vous d'acheter ?"},
        (
            {"en": "This quarter", "es": "Este trimestre", "de": "Dieses Quartal",
             "fr": "Ce trimestre"},
            {"en": "This year", "es": "Este año", "de": "Dieses Jahr", "fr": "Cette année"},
            {"en": "Just looking", "es": "Solo miro", "de": "Nur informieren",
             "fr": "Je me renseigne"},
        ),
    ),
)  # fmt: skip

EXTRA_OPTIONS = (
    {"en": "Other", "es": "Otro", "de": "Andere", "fr": "Autre"},
    {"en": "Prefer not to say", "es": "Prefiero no decirlo", "de": "Keine Angabe",
     "fr": "Je préfère ne pas répondre"},
)  # fmt: skip

# Custom free-text questions: (name, {lang: question}).
TEXT_QUESTIONS: tuple[tuple[str, dict[str, str]], ...] = (
    ("Topic", {"en": "What would you like to discuss?", "es": "¿De qué quiere hablar?",
               "de": "Worüber möchten Sie sprechen?", "fr": "De quoi voulez-vous parler ?"}),
    ("Use case", {"en": "Describe your use case", "es": "Describa su caso de uso",
                  "de": "Beschreiben Sie Ihren Anwendungsfall",
                  "fr": "Décrivez votre cas d'usage"}),
    ("Referral", {"en": "How did you hear about us?", "es": "¿Cómo nos conoció?",
                  "de": "Wie haben Sie von uns erfahren?",
                  "fr": "Comment nous avez-vous connus ?"}),
)  # fmt: skip

FREE_TEXT_ANSWERS = (
    "Pricing for 20 seats",
    "Integration with our CRM",
    "A colleague recommended you",
    "Saw the webinar, want a demo",
    "Data residency questions",
    "Nothing specific yet",
)

HEADLINES = {
    "en": "Get the report",
    "es": "Descarga el informe",
    "de": "Bericht herunterladen",
    "fr": "Obtenez le rapport",
}
DESCRIPTIONS = {
    "en": "Tell us a bit about you.",
    "es": "Cuéntenos un poco sobre usted.",
    "de": "Erzählen Sie uns etwas über sich.",
    "fr": "Parlez-nous un peu de vous.",
}
THANKS = {
    "en": "Thanks! We will be in touch.",
    "es": "¡Gracias! Le contactaremos.",
    "de": "Danke! Wir melden uns.",
    "fr": "Merci ! Nous vous contacterons.",
}
DISCLAIMER = {
    "en": "By submitting you agree to our privacy policy.",
    "es": "Al enviar acepta nuestra política de privacidad.",
    "de": "Mit dem Absenden stimmen Sie unserer Datenschutzerklärung zu.",
    "fr": "En envoyant, vous acceptez notre politique de confidentialité.",
}
CONSENTS = (
    {"en": "Send me product news", "es": "Envíenme novedades", "de": "Produktnews senden",
     "fr": "Envoyez-moi des nouveautés"},
    {"en": "Share my data with partners", "es": "Compartir con socios",
     "de": "Daten mit Partnern teilen", "fr": "Partager avec des partenaires"},
)  # fmt: skip

CALL_TO_ACTIONS = ("VISIT_COMPANY_WEBSITE", "LEARN_MORE", "DOWNLOAD_NOW", "VIEW_NOW")
