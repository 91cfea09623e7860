# fish completion for vmctl: candidates come from `vmctl __complete`.
complete -c vmctl -f -a '(vmctl __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
