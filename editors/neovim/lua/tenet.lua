-- Tenet for Neovim: starts `tenet lsp` for drafts and rule files.
--
--   require("tenet").setup({
--     cmd = { "tenet", "lsp" },                     -- or a full path to the binary
--     filetypes = { "markdown", "text", "mail", "tenet" },
--     settings = { debounceMs = 100, channel = "external", rules = {} },
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).
local M = {}

local defaults = {
  cmd = { "tenet", "lsp" },
  filetypes = { "markdown", "text", "mail", "tenet" },
  settings = { debounceMs = 100 },
}

M.config = vim.deepcopy(defaults)
local client_id = nil

local function root_dir(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local found = vim.fn.findfile("tenet.toml", dir .. ";")
  if found ~= "" then
    return vim.fn.fnamemodify(found, ":p:h")
  end
  return dir
end

--- Attaches Tenet's language server to a buffer (starting it on first use).
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    vim.notify("tenet: `" .. M.config.cmd[1] .. "` was not found; install Tenet or set cmd in require('tenet').setup()", vim.log.levels.ERROR)
    return nil
  end
  local spec = {
    name = "tenet",
    cmd = M.config.cmd,
    root_dir = root_dir(bufnr),
    init_options = { tenet = M.config.settings },
    settings = { tenet = M.config.settings },
  }
  if vim.lsp.start then
    client_id = vim.lsp.start(spec, { bufnr = bufnr })
  else
    if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
      client_id = vim.lsp.start_client(spec)
    end
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  return client_id
end

--- Sets Tenet up for the configured file types.
function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  vim.filetype = vim.filetype or {}
  vim.cmd([[autocmd BufRead,BufNewFile *.tenet setfiletype tenet]])
  local group = vim.api.nvim_create_augroup("tenet", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M
