-- Drives the real sps-plugin-ls server from a headless Neovim (0.7 or newer),
-- the way a user's editor would, and writes what happened to a JSON file.
--
-- Run by tests/editors/main.rs as
--   nvim --headless -u NONE -i NONE -n --noplugin -c "luafile lsp_client.lua"
-- with these environment variables:
--   SPS_LS_BIN      path to the sps-plugin-ls binary
--   SPS_PLUGIN_DIR  a plugin folder holding a broken MANIFEST and default.cfg
--   SPS_REPO_ROOT   the repository root (for editors/neovim)
--   SPS_RESULT      where to write the JSON result
--   SPS_TIMEOUT_MS  how long to wait for each step (default 20000)
--   SPS_LS_EXTRA_ARGS  optional, space-separated arguments added to the command
--   SPS_LS_STDERR   optional file that receives the server's stderr (its log)
--
-- Only APIs that Neovim 0.7 has are used (vim.lsp.start_client,
-- vim.lsp.buf_attach_client, vim.lsp.buf_request_sync, vim.diagnostic.get).

local server = os.getenv('SPS_LS_BIN')
local plugin_dir = os.getenv('SPS_PLUGIN_DIR')
local repo = os.getenv('SPS_REPO_ROOT')
local result_path = os.getenv('SPS_RESULT')
local timeout = tonumber(os.getenv('SPS_TIMEOUT_MS') or '') or 20000

local result = {
  steps = {},
  files = {},
}

local function step(name)
  table.insert(result.steps, name)
end

local function write_result()
  local f = io.open(result_path, 'w')
  if f == nil then
    io.stderr:write('cannot write ' .. tostring(result_path) .. '\n')
    return
  end
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function has(feature)
  return vim.fn.has(feature) == 1
end

-- Flattens hover contents (MarkupContent, MarkedString or a list of them).
local function hover_text(contents)
  if contents == nil or contents == vim.NIL then
    return ''
  end
  if type(contents) == 'string' then
    return contents
  end
  if contents.value ~= nil then
    return tostring(contents.value)
  end
  local parts = {}
  for _, part in ipairs(contents) do
    table.insert(parts, hover_text(part))
  end
  return table.concat(parts, '\n')
end

local function simplify_lsp_diagnostics(list)
  local out = {}
  for _, d in ipairs(list or {}) do
    table.insert(out, {
      line = d.range and d.range.start.line or -1,
      character = d.range and d.range.start.character or -1,
      severity = d.severity or vim.NIL,
      code = d.code ~= nil and d.code ~= vim.NIL and tostring(d.code) or vim.NIL,
      source = d.source or vim.NIL,
      message = d.message or '',
    })
  end
  return out
end

local function simplify_vim_diagnostics(list)
  local out = {}
  for _, d in ipairs(list) do
    table.insert(out, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
  end
  return out
end

-- Filetype detection as a user gets it: editors/neovim on 'runtimepath'
-- (ftdetect, ftplugin), filetype plugins on.
local function setup_filetypes()
  vim.g.do_filetype_lua = 1 -- Neovim 0.7 uses filetype.lua only when asked to
  vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
  -- This sources ftdetect/*.lua from the runtime path, ours included.
  vim.cmd('filetype plugin on')
end

local function detect_filetype(bufnr, path)
  local auto = vim.bo[bufnr].filetype
  if auto == '' then
    if has('nvim-0.8') then
      local ft = vim.filetype.match({ buf = bufnr, filename = path })
      if ft then
        vim.bo[bufnr].filetype = ft
      end
    else
      vim.filetype.match(path, bufnr)
    end
  end
  return auto, vim.bo[bufnr].filetype
end

local function find_line(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:match(pattern) then
      return i - 1, line
    end
  end
  return nil, nil
end

local function main()
  assert(server and plugin_dir and repo and result_path, 'SPS_LS_BIN, SPS_PLUGIN_DIR, SPS_REPO_ROOT and SPS_RESULT must be set')
  local v = vim.version()
  result.nvim_version = string.format('%d.%d.%d', v.major, v.minor, v.patch)

  setup_filetypes()
  step('filetypes')

  local config = dofile(repo .. '/editors/neovim/lsp/sps_plugin_ls.lua')
  result.config = { cmd = config.cmd, filetypes = config.filetypes, root_markers = config.root_markers }
  local cmd = vim.deepcopy(config.cmd)
  cmd[1] = server
  for arg in (os.getenv('SPS_LS_EXTRA_ARGS') or ''):gmatch('%S+') do
    table.insert(cmd, arg)
  end
  result.server_cmd = vim.deepcopy(cmd)
  local stderr_file = os.getenv('SPS_LS_STDERR')
  if stderr_file and stderr_file ~= '' then
    -- Keep the server's log (its stderr) for the test's failure report.
    cmd = vim.list_extend({ '/bin/sh', '-c', 'exec "$0" "$@" 2>>"$SPS_LS_STDERR"' }, cmd)
  end

  local published = {} -- uri -> latest diagnostics, as sent
  local publish_count = {} -- uri -> number of publishDiagnostics received
  local exit_info = nil

  local client_id = vim.lsp.start_client({
    name = 'sps_plugin_ls',
    cmd = cmd,
    root_dir = plugin_dir,
    flags = { debounce_text_changes = 0 },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, cfg)
        published[params.uri] = simplify_lsp_diagnostics(params.diagnostics)
        publish_count[params.uri] = (publish_count[params.uri] or 0) + 1
        return vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, cfg)
      end,
    },
    on_exit = function(code, signal)
      exit_info = { code = code, signal = signal }
    end,
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  step('started')

  local buffers = {}
  for _, name in ipairs({ 'MANIFEST', 'default.cfg' }) do
    local path = plugin_dir .. '/' .. name
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    local bufnr = vim.api.nvim_get_current_buf()
    local auto_ft, ft = detect_filetype(bufnr, path)
    assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed for ' .. name)
    buffers[name] = bufnr
    result.files[name] = {
      uri = vim.uri_from_bufnr(bufnr),
      filetype_auto = auto_ft,
      filetype = ft,
      commentstring = vim.bo[bufnr].commentstring,
    }
  end
  step('attached')

  -- Waits until cond() holds, the timeout passes or the server exits.
  local function wait_for(cond)
    vim.wait(timeout, function()
      return exit_info ~= nil or cond()
    end, 20)
    return cond()
  end
  local function check_alive(what)
    if exit_info ~= nil then
      error(string.format('the server exited (code %s, signal %s) %s', exit_info.code, exit_info.signal, what))
    end
  end

  local initialized = wait_for(function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end)
  result.initialized = initialized
  check_alive('during initialize')
  assert(initialized, 'the server did not answer initialize within ' .. timeout .. ' ms')
  local client = vim.lsp.get_client_by_id(client_id)
  if client ~= nil then
    local caps = client.server_capabilities or {}
    result.capabilities = {
      completion = caps.completionProvider ~= nil,
      hover = caps.hoverProvider ~= nil and caps.hoverProvider ~= false,
      text_document_sync = caps.textDocumentSync or vim.NIL,
    }
    result.offset_encoding = client.offset_encoding
  end

  local mbuf, cbuf = buffers['MANIFEST'], buffers['default.cfg']
  result.diagnostics_arrived = wait_for(function()
    return #vim.diagnostic.get(mbuf) > 0 and #vim.diagnostic.get(cbuf) > 0
  end)
  for name, bufnr in pairs(buffers) do
    local entry = result.files[name]
    entry.diagnostics = simplify_vim_diagnostics(vim.diagnostic.get(bufnr))
    entry.published = published[entry.uri] or {}
  end
  step('diagnostics')
  check_alive('after didOpen')

  -- Completion right after "type: " (the value "aaa" follows the cursor).
  local type_line = find_line(mbuf, '^type:')
  assert(type_line, 'MANIFEST has no type: line')
  local completion_params = {
    textDocument = { uri = vim.uri_from_bufnr(mbuf) },
    position = { line = type_line, character = #'type: ' },
    context = { triggerKind = 1 },
  }
  local responses, err = vim.lsp.buf_request_sync(mbuf, 'textDocument/completion', completion_params, timeout)
  local completion = { labels = {}, error = err or vim.NIL }
  for _, response in pairs(responses or {}) do
    if response.error then
      completion.error = response.error.message or tostring(response.error)
    end
    local r = response.result
    local items = {}
    if r ~= nil and r ~= vim.NIL then
      items = r.items or r
    end
    for _, item in ipairs(items) do
      table.insert(completion.labels, item.label)
    end
  end
  result.completion = completion
  step('completion')
  check_alive('after completion')

  -- Hover on the key "api".
  local api_line = find_line(mbuf, '^api%s*:')
  assert(api_line, 'MANIFEST has no api: line')
  responses, err = vim.lsp.buf_request_sync(mbuf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(mbuf) },
    position = { line = api_line, character = 1 },
  }, timeout)
  local hover = { text = '', error = err or vim.NIL }
  for _, response in pairs(responses or {}) do
    if response.error then
      hover.error = response.error.message or tostring(response.error)
    end
    if response.result ~= nil and response.result ~= vim.NIL then
      hover.text = hover_text(response.result.contents)
    end
  end
  result.hover = hover
  step('hover')
  check_alive('after hover')

  -- Fix the plugin type; the change goes out as didChange and the server
  -- should publish new diagnostics for the MANIFEST.
  local manifest_uri = vim.uri_from_bufnr(mbuf)
  local before_count = publish_count[manifest_uri] or 0
  local before = #(published[manifest_uri] or {})
  local line = vim.api.nvim_buf_get_lines(mbuf, type_line, type_line + 1, false)[1]
  vim.api.nvim_buf_set_lines(mbuf, type_line, type_line + 1, false, { (line:gsub('aaa', 'aa')) })
  local republished = wait_for(function()
    return (publish_count[manifest_uri] or 0) > before_count
      and #(published[manifest_uri] or {}) ~= before
  end)
  result.after_edit = {
    republished = (publish_count[manifest_uri] or 0) > before_count,
    changed = republished,
    before = before,
    after = #(published[manifest_uri] or {}),
    published = published[manifest_uri] or {},
  }
  step('edit')
  check_alive('after didChange')

  -- Orderly shutdown: shutdown request, exit notification, process exit.
  vim.lsp.stop_client(client_id)
  vim.wait(timeout, function()
    return exit_info ~= nil
  end, 20)
  result.server_exit = exit_info or vim.NIL
  step('stopped')
end

local ok, err = xpcall(main, debug.traceback)
result.ok = ok
result.error = ok and vim.NIL or tostring(err)
write_result()
vim.cmd('qa!')
