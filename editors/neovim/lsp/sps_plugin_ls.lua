-- sps-plugin-ls: language server for One Identity Safeguard for Privileged
-- Sessions (SPS) plugin MANIFEST and default.cfg files.
--
-- Neovim 0.11+: put this directory on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/sps_plugin_ls.lua) and run
--   vim.lsp.enable('sps_plugin_ls')
-- Override anything with vim.lsp.config('sps_plugin_ls', { ... }).

---@type vim.lsp.Config
return {
  cmd = { 'sps-plugin-ls', '--stdio' },
  filetypes = { 'sps_manifest', 'sps_plugin_cfg' },
  root_markers = { 'MANIFEST', '.git' },
}
