"""The monitor's demo data for `lcn dev`: two reported half-years, a merged pair and the pilots' good practices."""
