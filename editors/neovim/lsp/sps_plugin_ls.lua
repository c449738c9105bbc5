-- sps-plugin-ls: language server for One Identity Safeguard for Privileged
-- Sessions (SPS) plugins: MANIFEST, default.cfg and the plugin's Python code.
--
-- Neovim 0.11+: put this directory on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/sps_plugin_ls.lua) and run
--   vim.lsp.enable('sps_plugin_ls')
-- Override anything with vim.lsp.config('sps_plugin_ls', { ... }).
--
-- Python files get the server only inside a plugin folder (a folder at or
-- above them holds a MANIFEST); other Python projects are not touched.

---@type vim.lsp.Config
return {
  cmd = { 'sps-plugin-ls', '--stdio' },
  filetypes = { 'sps_manifest', 'sps_plugin_cfg', 'python' },
  root_markers = { 'MANIFEST', '.git' },
  -- Neovim 0.11 calls this instead of using root_markers: the plugin folder.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    local manifest = vim.fs.find('MANIFEST', { path = vim.fs.dirname(name), upward = true, type = 'file' })[1]
    if manifest then
      on_dir(vim.fs.dirname(manifest))
    elseif vim.bo[bufnr].filetype ~= 'python' then
      on_dir(vim.fs.root(bufnr, '.git') or vim.fs.dirname(name))
    end
  end,
}
