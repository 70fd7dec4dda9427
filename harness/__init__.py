"""Running the assistant for tests, evaluation and benchmarks: start servers, talk to them."""
