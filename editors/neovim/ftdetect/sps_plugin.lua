-- Filetypes for SPS plugin files, used by lsp/sps_plugin_ls.lua.
-- As the server does: MANIFEST, default.cfg and default.cfg.plugin anywhere,
-- and any other *.cfg in a folder holding a MANIFEST.
vim.filetype.add({
  filename = {
    ['MANIFEST'] = 'sps_manifest',
    ['default.cfg'] = 'sps_plugin_cfg',
    ['default.cfg.plugin'] = 'sps_plugin_cfg',
  },
  pattern = {
    ['.*%.cfg'] = function(path)
      local dir = vim.fn.fnamemodify(path, ':p:h')
      if vim.fn.filereadable(dir .. '/MANIFEST') == 1 then
        return 'sps_plugin_cfg'
      end
    end,
  },
})
