-- Wall-screen device tokens (issue 7). The token itself is never stored: it is shown once when
-- issued. Its jti is the id; a revoked one is refused at once on every node (NOTIFY on
-- cxpulse_revocations). Rows are kept after expiry for the audit trail.
CREATE TABLE device_token (
    tenant      text NOT NULL REFERENCES tenant (id),
    id          text NOT NULL,
    name        text NOT NULL,
    touchpoints text[],
    roles       text[] NOT NULL DEFAULT ARRAY['viewer'],
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant, id)
);

CREATE INDEX device_token_revoked ON device_token (expires_at) WHERE revoked_at IS NOT NULL;
