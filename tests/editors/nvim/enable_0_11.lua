-- Neovim 0.11+ as a user sets it up: the init.lua that tests/editors/main.rs
-- writes holds only the README's two lines (editors/neovim on 'runtimepath'
-- and vim.lsp.enable('sps_plugin_ls')), and `sps-plugin-ls` is found on
-- PATH. This script, run with `-c "luafile enable_0_11.lua"`, opens files
-- and writes what happened to a JSON file.
--
-- Environment:
--   SPS_PLUGIN_DIR  a plugin folder: broken MANIFEST, default.cfg and
--                   settings.cfg, main.py, lib/broken.py (a syntax error)
--   SPS_OUTSIDE_DIR a folder with no MANIFEST: setup.py, tox.cfg
--   SPS_RESULT      where to write the JSON result
--   SPS_TIMEOUT_MS  how long to wait for each step (default 20000)
--   SPS_EXPECT_PYTHON_DIAGNOSTICS=1  also wait for lib/broken.py's diagnostics

local plugin_dir = os.getenv('SPS_PLUGIN_DIR')
local outside_dir = os.getenv('SPS_OUTSIDE_DIR')
local result_path = os.getenv('SPS_RESULT')
local timeout = tonumber(os.getenv('SPS_TIMEOUT_MS') or '') or 20000

local result = { files = {}, steps = {} }

local function write_result()
  local f = assert(io.open(result_path, 'w'))
  f:write(vim.json.encode(result))
  f:close()
end

local function clients_of(bufnr)
  local names = {}
  for _, client in ipairs(vim.lsp.get_clients({ bufnr = bufnr, name = 'sps_plugin_ls' })) do
    table.insert(names, client.name)
  end
  return names
end

local function main()
  local v = vim.version()
  result.nvim_version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  result.enabled = vim.lsp.is_enabled and vim.lsp.is_enabled('sps_plugin_ls') or vim.NIL

  local published = {} -- uri -> diagnostics as the server sent them (pushed or pulled)
  vim.lsp.handlers['textDocument/publishDiagnostics'] = (function(default)
    return function(err, params, ctx)
      local list = {}
      for _, d in ipairs(params.diagnostics or {}) do
        table.insert(list, { code = d.code ~= nil and tostring(d.code) or vim.NIL, message = d.message })
      end
      published[params.uri] = list
      return default(err, params, ctx)
    end
  end)(vim.lsp.handlers['textDocument/publishDiagnostics'])
  -- Neovim 0.11 declares pull diagnostics (LSP 3.17), so the server sends
  -- them as answers to textDocument/diagnostic instead: recorded alike.
  vim.lsp.handlers['textDocument/diagnostic'] = (function(default)
    return function(err, report, ctx, config)
      if report and report.kind == 'full' and ctx.params and ctx.params.textDocument then
        local list = {}
        for _, d in ipairs(report.items or {}) do
          table.insert(list, { code = d.code ~= nil and tostring(d.code) or vim.NIL, message = d.message })
        end
        published[ctx.params.textDocument.uri] = list
      end
      return default(err, report, ctx, config)
    end
  end)(vim.lsp.handlers['textDocument/diagnostic'])

  -- Outside files first: the plugin files attaching later shows that the
  -- decision for these had been taken.
  local files = {
    { key = 'outside/setup.py', path = outside_dir .. '/setup.py' },
    { key = 'outside/tox.cfg', path = outside_dir .. '/tox.cfg' },
    { key = 'MANIFEST', path = plugin_dir .. '/MANIFEST' },
    { key = 'default.cfg', path = plugin_dir .. '/default.cfg' },
    { key = 'settings.cfg', path = plugin_dir .. '/settings.cfg' },
    { key = 'main.py', path = plugin_dir .. '/main.py' },
    { key = 'lib/broken.py', path = plugin_dir .. '/lib/broken.py' },
  }
  local buffers = {}
  for _, file in ipairs(files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(file.path))
    local bufnr = vim.api.nvim_get_current_buf()
    buffers[file.key] = bufnr
    result.files[file.key] = { filetype = vim.bo[bufnr].filetype, uri = vim.uri_from_bufnr(bufnr) }
  end
  table.insert(result.steps, 'opened')

  local function wait_for(cond)
    vim.wait(timeout, cond, 20)
    return cond() and true or false
  end
  result.attached = wait_for(function()
    return #clients_of(buffers['main.py']) > 0 and #clients_of(buffers['lib/broken.py']) > 0
  end)
  result.diagnostics_arrived = wait_for(function()
    return #vim.diagnostic.get(buffers['MANIFEST']) > 0 and #vim.diagnostic.get(buffers['default.cfg']) > 0
  end)
  -- Python diagnostics (issue 12): waited for only when the test expects them.
  if os.getenv('SPS_EXPECT_PYTHON_DIAGNOSTICS') == '1' then
    result.python_diagnostics_arrived = wait_for(function()
      return published[result.files['lib/broken.py'].uri] ~= nil
    end)
  end
  table.insert(result.steps, 'waited')

  for key, bufnr in pairs(buffers) do
    local entry = result.files[key]
    entry.clients = clients_of(bufnr)
    entry.diagnostics = #vim.diagnostic.get(bufnr)
    entry.published = published[entry.uri] or {}
    local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'sps_plugin_ls' })[1]
    entry.root_dir = client and client.root_dir or vim.NIL
  end
  local client = vim.lsp.get_clients({ name = 'sps_plugin_ls' })[1]
  result.cmd = client and client.config.cmd or vim.NIL
  result.server_version = client and client.server_info and client.server_info.version or vim.NIL
  result.pull = client and client.server_capabilities.diagnosticProvider ~= nil or false
  result.client_count = #vim.lsp.get_clients({ name = 'sps_plugin_ls' })
end

local ok, err = xpcall(main, debug.traceback)
result.ok = ok
result.error = ok and vim.NIL or tostring(err)
write_result()
vim.cmd('qa!')
