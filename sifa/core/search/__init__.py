"""Chinese full-text search and ranking shared by every module (jieba tokens)."""
