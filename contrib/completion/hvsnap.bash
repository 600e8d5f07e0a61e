# bash completion for hvsnap: commands, subcommands and options (CLI.md),
# with file names for options that take files and the fixed values of
# options that take one of a few words. Installed as
# share/bash-completion/completions/hvsnap.

_hvsnap() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -n '\' || return
    else
        cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi

    local commands="identify vms create list apply delete rename job show start
        stop save pause resume wait reset policy clear-state refpoint wsman doctor help"
    local global_opts="-H --host -P --port --transport -u --user --password-file
        -a --auth --encryption --cacert --insecure --pin --cert --key --timeout
        --spn-service --spn-host --allow-insecure-basic --json -v --verbose
        --trace -h --help -V --version --inventory --hosts --parallel --per-host
        --all --namespace"

    # Values of options that take an argument.
    case $prev in
        --transport) COMPREPLY=($(compgen -W "http https" -- "$cur")); return ;;
        -a|--auth) COMPREPLY=($(compgen -W "basic ntlm kerberos negotiate certificate" -- "$cur")); return ;;
        --encryption) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --type)
            # create --type, or policy --type (which also knows "disabled")
            COMPREPLY=($(compgen -W "standard production production-only disabled" -- "$cur")); return ;;
        --kind) COMPREPLY=($(compgen -W "full disk recovery" -- "$cur")); return ;;
        --consistency) COMPREPLY=($(compgen -W "application crash" -- "$cur")); return ;;
        --guest-backup-type) COMPREPLY=($(compgen -W "full copy" -- "$cur")); return ;;
        --state) COMPREPLY=($(compgen -W "off running saved paused" -- "$cur")); return ;;
        -o|--output) COMPREPLY=($(compgen -W "name wide" -- "$cur")); return ;;
        --auto-checkpoints) COMPREPLY=($(compgen -W "on off" -- "$cur")); return ;;
        --password-file|--cacert|--cert|--key|--inventory|--input)
            COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
        -H|--host) COMPREPLY=($(compgen -A hostname -- "$cur")); return ;;
        -P|--port|-u|--user|--pin|--timeout|--spn-service|--spn-host|--name|\
        --wait-timeout|--hosts|--parallel|--per-host|--namespace|--wql|-s|-p|\
        --selector|--param)
            return ;;
    esac

    # The command is the first word that is neither an option nor an
    # option's value.
    local i cmd="" sub=""
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -H|--host|-P|--port|--transport|-u|--user|--password-file|-a|--auth|\
            --encryption|--cacert|--pin|--cert|--key|--timeout|--spn-service|\
            --spn-host|--inventory|--hosts|--parallel|--per-host|--namespace)
                ((i++)) ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd=${words[i]}
               elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local cmd_opts=""
    case $cmd in
        help)
            [[ -z $sub ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            return ;;
        create) cmd_opts="--name --type --no-wait --wait-timeout --kind --consistency
                    --ignore-non-snapshottable-disks --guest-backup-type" ;;
        list) cmd_opts="--include-recovery" ;;
        vms) cmd_opts="--no-headers -o --output" ;;
        apply|rename) cmd_opts="--force" ;;
        delete) cmd_opts="--tree" ;;
        job) cmd_opts="--wait" ;;
        start) cmd_opts="--wait-ready --wait-timeout" ;;
        stop) cmd_opts="--turn-off --force --wait-timeout" ;;
        wait) cmd_opts="--ready --ip --state --wait-timeout" ;;
        reset) cmd_opts="--no-start --wait-ready --wait-ip --wait-timeout --force" ;;
        policy) cmd_opts="--type --auto-checkpoints" ;;
        refpoint)
            if [[ -z $sub ]]; then
                COMPREPLY=($(compgen -W "convert list delete" -- "$cur")); return
            fi ;;
        wsman)
            if [[ -z $sub ]]; then
                COMPREPLY=($(compgen -W "identify get enumerate invoke put" -- "$cur")); return
            fi
            case $sub in
                get) cmd_opts="-s --selector" ;;
                enumerate) cmd_opts="--wql --epr" ;;
                invoke) cmd_opts="-s --selector -p --param --input" ;;
                put) cmd_opts="-s --selector --input" ;;
                *) cmd_opts="-s --selector -p --param --wql --epr --input" ;;
            esac ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$cmd_opts $global_opts" -- "$cur"))
    fi
}
complete -F _hvsnap hvsnap
