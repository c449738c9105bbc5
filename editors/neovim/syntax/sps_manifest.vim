" MANIFEST files are YAML: reuse Vim's YAML syntax.
if exists('b:current_syntax')
  finish
endif
runtime! syntax/yaml.vim
let b:current_syntax = 'sps_manifest'
