"""Developer tools: sample prefecture files (synth), benchmarks, load test. Nothing in the product imports this."""
