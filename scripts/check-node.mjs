// Runs before `npm start` and `npm run cli` (package.json pre-scripts), on whatever Node the
// machine has: so it is plain JavaScript with nothing newer than ES2015 modules. On an old Node
// the TypeScript entry points die with ERR_UNKNOWN_FILE_EXTENSION ".ts"; this says why first.
// PLAYLOOP_CHECK_NODE_VERSION (or the first argument) replaces the running version, for tests.

var REQUIRED = [22, 18, 0];

var given = process.argv[2] || process.env.PLAYLOOP_CHECK_NODE_VERSION || process.versions.node;
var parts = String(given)
  .replace(/^v/, '')
  .split('.')
  .map(function (part) {
    return parseInt(part, 10) || 0;
  });

function atLeast(version, minimum) {
  for (var i = 0; i < minimum.length; i++) {
    var have = version[i] || 0;
    if (have !== minimum[i]) return have > minimum[i];
  }
  return true;
}

if (!atLeast(parts, REQUIRED)) {
  process.stderr.write(
    'PlayLoop needs Node 22.18 or newer (24 LTS recommended): this is Node ' +
      given +
      '. Install it from https://nodejs.org/en/download (or `nvm install 24`), then run the ' +
      'command again.\n',
  );
  process.exit(1);
}
