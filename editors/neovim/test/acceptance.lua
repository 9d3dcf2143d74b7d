-- Acceptance test with a real editor: Neovim opens a draft, waits for Tenet's
-- diagnostics, applies a quick fix, and the buffer must read as expected.
-- Run by editors/neovim/test/run.sh.
local tenet_bin = os.getenv("TENET_BIN")
local draft = os.getenv("TENET_DRAFT")
local result_file = os.getenv("TENET_RESULT")

local function finish(ok, message)
  local f = io.open(result_file, "w")
  f:write((ok and "ok" or "FAIL") .. ": " .. message .. "\n")
  f:close()
  vim.cmd(ok and "qa!" or "cquit 1")
end

local ok, err = pcall(function()
  vim.opt.runtimepath:append(os.getenv("TENET_PLUGIN"))
  vim.cmd("filetype on")
  local tenet = require("tenet")
  -- The same command and arguments as the VS Code extension: `tenet lsp`.
  tenet.setup({ cmd = { tenet_bin, "lsp" }, settings = { debounceMs = 0 } })
  vim.cmd("edit " .. draft)
  local bufnr = vim.api.nvim_get_current_buf()
  local id = tenet.attach(bufnr)
  assert(id, "the client did not start")

  local got = vim.wait(15000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  assert(got, "no diagnostics from tenet within 15 s")
  local diags = vim.diagnostic.get(bufnr)
  local d = diags[1]
  assert(d.source == "tenet", "diagnostic source is " .. tostring(d.source))
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  assert(code == "add-value.inclusive-greeting", "unexpected rule " .. tostring(code))

  local client = vim.lsp.get_client_by_id(id)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = d.lnum, character = 0 }, ["end"] = { line = d.lnum + 1, character = 0 } },
    context = { diagnostics = {} },
  }
  local response = client.request_sync("textDocument/codeAction", params, 10000, bufnr)
  assert(response and response.result, "no code actions: " .. vim.inspect(response))
  local chosen = nil
  for _, action in ipairs(response.result) do
    if action.title == "Replace with “everyone”" then
      chosen = action
    end
  end
  assert(chosen, "no 'Replace with “everyone”' action among " .. vim.inspect(vim.tbl_map(function(a) return a.title end, response.result)))
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")

  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
  local expected = "😀🎉 Thanks everyone for the launch!\nSee you at the party."
  assert(text == expected, "buffer is " .. vim.inspect(text))
end)

if ok then
  finish(true, "diagnostic received, quick fix applied")
else
  finish(false, tostring(err))
end
