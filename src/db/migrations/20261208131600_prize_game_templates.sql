-- Two more lucky draws (issue 16): Scratch Card and Grid Box Reveal share the wheel's server draw.

ALTER TABLE games DROP CONSTRAINT games_template_check;
ALTER TABLE games ADD CONSTRAINT games_template_check
  CHECK (template IN ('spin-wheel', 'memory-match', 'quick-tap', 'scratch-card', 'grid-box-reveal'));
