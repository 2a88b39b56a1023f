"""The entity kinds of the integration API: `catalogue.KINDS`, each declared in the module of its concern."""
