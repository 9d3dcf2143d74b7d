// The package's LICENSE: the project's two licences, as the repository holds them.
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..", "..", "..");
const text = ["LICENSE-MIT", "LICENSE-APACHE"]
  .map((name) => fs.readFileSync(path.join(root, name), "utf8").trimEnd())
  .join("\n\n" + "-".repeat(72) + "\n\n");
fs.writeFileSync(
  path.join(__dirname, "..", "LICENSE"),
  "Tenet is licensed under the MIT licence or the Apache License 2.0, at your option.\n\n" + text + "\n"
);
