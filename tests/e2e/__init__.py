"""End-to-end tests: the tap over real HTTP into real databases, alone and through Meltano."""
