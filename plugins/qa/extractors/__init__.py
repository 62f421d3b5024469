"""One module per format: bytes in, ``ExtractedDocument`` out (``plugins.qa.extract`` chooses)."""
