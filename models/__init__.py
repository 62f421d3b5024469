"""Model registry and inference (speech, embeddings, ...): grows with the voice issue."""
