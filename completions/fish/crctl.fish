# fish completion for crctl: candidates come from `crctl __complete`.
complete -c crctl -f -a '(crctl __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
