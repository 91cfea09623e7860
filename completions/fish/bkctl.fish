# fish completion for bkctl: candidates come from `bkctl __complete`.
complete -c bkctl -f -a '(bkctl __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
