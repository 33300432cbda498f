package io.cxpulse.ingest;

/** What a committed request added: new responses, and retries of responses already stored. */
public record WriteResult(int accepted, int duplicates) {}
