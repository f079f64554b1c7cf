"""Domain names on their own, for fraud teams: screening, permutation watch lists, new-domain watch.

* ``screen``: does one host name carry an organisation's brand or imitate one of its official domains? The
  same checks as the link detector (``brand.brand_in_host``, ``lookalike.resemblance``), without a whole
  analysis, so that bulk streams (Certificate Transparency) can be screened at 100,000+ names per second.
* ``permutations``: the names a fraud team should watch or pre-register for an official domain: dnstwist's
  fuzzers (used as a library, no DNS) and the French combosquat lexicon of the profiles, each with its attack
  type and whether Sentinelle itself flags it.
* ``watch``: newly seen names (lines, or a certstream-format stream from a file or a websocket) screened, the
  matches analysed by the engine and written as JSON lines.
"""
