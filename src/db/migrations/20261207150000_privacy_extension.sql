-- Extensions of privacy requests (issue 12). GDPR Art. 12(3) lets the controller extend the
-- one-month period by two further months, telling the subject "with the reasons for the delay"
-- inside the first month; CCPA once by 45 days, with notice inside the first 45. The reason and
-- the moment of the extension are kept so the record proves the notice came in time.
ALTER TABLE privacy_requests
  ADD COLUMN extension_reason text CHECK (length(extension_reason) BETWEEN 1 AND 500),
  ADD COLUMN extended_at timestamptz;

-- An extension is all three or none, never earlier than the deadline it extends, and made no
-- later than that deadline.
ALTER TABLE privacy_requests
  ADD CONSTRAINT privacy_requests_extension_check CHECK (
    (extended_until IS NULL) = (extension_reason IS NULL)
    AND (extended_until IS NULL) = (extended_at IS NULL)
    AND (extended_until IS NULL OR (extended_until > deadline AND extended_at <= deadline))
  );
