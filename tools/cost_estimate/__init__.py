"""``make cost ENV=x``: the monthly price of what this app deploys, from the synthesized templates in cdk.out/x.

Prices live in prices.yaml (each with its source and whether it was verified); usage that templates cannot show
(invocations, log volume, trace sampling) comes from the environment's ``cost.estimate`` config.
"""
from tools.cost_estimate.bill import Bill, price_usage
from tools.cost_estimate.estimate import EstimateError, estimate, estimate_dir
from tools.cost_estimate.prices import PricesError, load_prices
from tools.cost_estimate.usage import measure

__all__ = ["Bill", "EstimateError", "PricesError", "estimate", "estimate_dir", "load_prices", "measure", "price_usage"]
