"""Benchmark suite (``make bench``): our build against the naive Whoosh build and the jieba limit."""
