"""The clustering stage: reads stored articles, runs `dedupe.clustering` over them and writes
near-duplicate groups, events and actors back, as the one writer (`stage.cluster_pending`)."""
