-- Filetypes for SPS plugin files, used by lsp/sps_plugin_ls.lua.
vim.filetype.add({
  filename = {
    ['MANIFEST'] = 'sps_manifest',
    ['default.cfg'] = 'sps_plugin_cfg',
    ['default.cfg.plugin'] = 'sps_plugin_cfg',
  },
})
