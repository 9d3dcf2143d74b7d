autocmd BufRead,BufNewFile *.tenet setfiletype tenet
