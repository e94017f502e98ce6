-- Schema 6: local features of each reference (ORB keypoints and descriptors), filed under the feature
-- configuration that computed them, so that a change of configuration recomputes them; and what the
-- geometric verification of a recognition found.

CREATE TABLE reference_features (
  reference_id INTEGER NOT NULL REFERENCES board_references (id) ON DELETE CASCADE,
  -- detector, keypoint cap and picture size (FEATURE_CONFIG_KEY)
  config TEXT NOT NULL CHECK (length(config) BETWEEN 1 AND 100),
  -- size of the picture the keypoints are in
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  -- float32 x, y per keypoint; 32 bytes of descriptor per keypoint
  keypoints BLOB NOT NULL,
  descriptors BLOB NOT NULL,
  PRIMARY KEY (reference_id, config)
) STRICT;

-- NULL: recognized without verification (match.verify.enabled: false, or an empty bench)
ALTER TABLE recognitions ADD COLUMN verified INTEGER CHECK (verified IN (0, 1));
ALTER TABLE recognitions ADD COLUMN inliers INTEGER CHECK (inliers >= 0);
-- JSON array of four [x, y] fractions of the frame: the board's outline
ALTER TABLE recognitions ADD COLUMN outline TEXT CHECK (outline IS NULL OR json_valid(outline));
