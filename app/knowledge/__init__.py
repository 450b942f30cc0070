"""The policy-approved knowledge base: documents, chunking, the Chroma store and retrieval."""
