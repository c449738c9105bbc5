---@brief
---
--- https://github.com/sps-plugin-ls/sps-plugin-ls
---
--- Linter and language server for One Identity Safeguard for Privileged
--- Sessions (SPS) plugins: their `MANIFEST`, `default.cfg` and Python code.
--- It can be installed via `pip`:
---
--- ```sh
--- pip install sps-plugin-ls
--- ```
---
--- The `MANIFEST` and `default.cfg` files need their file types, which
--- Neovim does not know:
---
--- ```lua
--- vim.filetype.add({
---   filename = {
---     MANIFEST = 'sps_manifest',
---     ['default.cfg'] = 'sps_plugin_cfg',
---     ['default.cfg.plugin'] = 'sps_plugin_cfg',
---   },
--- })
--- ```
---
--- Python files get the server only inside a plugin folder (a folder at or
--- above them holds a `MANIFEST`), rooted there; other Python projects are
--- not touched. Settings go in `settings.spsPluginLs` (read through
--- `workspace/configuration`), for example:
---
--- ```lua
--- vim.lsp.config('sps_plugin_ls', {
---   settings = { spsPluginLs = { ignore = { 'layout' } } },
--- })
--- ```

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
  settings = {},
}
