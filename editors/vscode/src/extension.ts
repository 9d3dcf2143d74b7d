// Tenet for VS Code: starts `tenet lsp` (the same command every editor uses)
// for Markdown, plain text and .tenet files.
import * as fs from "fs";
import * as path from "path";
import { ExtensionContext, window, workspace } from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The tenet binary: the `tenet.path` setting, else `tenet` found on PATH. */
export function findTenet(configured: string, envPath = process.env.PATH ?? ""): string | undefined {
  if (configured) {
    return fs.existsSync(configured) ? configured : undefined;
  }
  const names = process.platform === "win32" ? ["tenet.exe", "tenet"] : ["tenet"];
  for (const dir of envPath.split(path.delimiter)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (dir && fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function settings() {
  const c = workspace.getConfiguration("tenet");
  return {
    tenet: {
      channel: c.get<string>("channel") || undefined,
      rules: c.get<string[]>("rules") ?? [],
      debounceMs: c.get<number>("debounceMs") ?? 100,
      languages: c.get<string[]>("languages") ?? [],
    },
  };
}

export async function activate(context: ExtensionContext) {
  const configured = workspace.getConfiguration("tenet").get<string>("path") ?? "";
  const command = findTenet(configured);
  if (!command) {
    const where = configured ? `at ${configured} (the tenet.path setting)` : "on PATH";
    window.showErrorMessage(
      `Tenet: the tenet binary was not found ${where}. Install it with \`cargo install --path .\` from the Tenet repository, or set tenet.path.`
    );
    return;
  }
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const languages = ["markdown", "plaintext", "tenet", ...(settings().tenet.languages ?? [])];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...languages.map((language) => ({ language })),
      { pattern: "**/tenet.toml" },
    ],
    initializationOptions: settings(),
    synchronize: {
      configurationSection: "tenet",
      fileEvents: [workspace.createFileSystemWatcher("**/*.tenet"), workspace.createFileSystemWatcher("**/tenet.toml")],
    },
  };
  client = new LanguageClient("tenet", "Tenet", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate() {
  await client?.stop();
}
