" default.cfg files are INI: reuse Vim's dosini syntax.
if exists('b:current_syntax')
  finish
endif
runtime! syntax/dosini.vim
let b:current_syntax = 'sps_plugin_cfg'
