// Reads a GIFT file with gift-pegjs (pinned in .ci/package.json) and prints what it parsed as
// JSON: tests/test_gift.py compares it with the content. Usage: node gift_pegjs.js FILE
"use strict";
var fs = require("fs");
var path = require("path");
var parser = require(path.join(__dirname, "..", ".ci", "node_modules", "gift-pegjs"));

process.stdout.write(JSON.stringify(parser.parse(fs.readFileSync(process.argv[2], "utf8"))));
