"""What tests and benchmarks need besides the product: the large-data generator (`manage.py
generate_load_data`), the fault, several-hosts and browser harnesses with their suites. Installed as a
Django app only with DEBUG on and in the test settings; nothing in `permits` imports it."""
