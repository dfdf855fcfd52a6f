# SPDX-License-Identifier: MIT
# bash completion for cardc                                   -*- shell-script -*-
# Installed as share/bash-completion/completions/cardc. Every option of every
# command's --help is here: tests/packaging/test_completions.py checks it.

_cardc_options()
{
    case $1 in
    validate)
        echo "--card --side --schema --dialect --resource --resource-dir --assert-format
              --jsonl --ext --yaml --max-depth --duplicate-keys --max-errors --apply-defaults --print
              --format -o --output -v --verbose -j --jobs -h --help" ;;
    inspect) echo "--format -o --output -h --help" ;;
    schema) echo "--side --compact -o --output -h --help" ;;
    gen)
        echo "--card --schema --name -o --output --file-name --strip-path --dialect --resource
              --resource-dir --assert-format -h --help" ;;
    run)
        echo "--card --input --image --prompt --max-tokens --duplicate-keys --stream --batch --force --poll-ms
              --batch-timeout --backend --base-url --model --account-id --gateway --timeout
              --retries -o --output -h --help" ;;
    fetch-card) echo "-o --output --base-url --account-id --timeout --retries -h --help" ;;
    lint)
        echo "--schema --list --only --exclude --format --fail-on --fix --dialect -o
              --output -h --help" ;;
    sample)
        echo "--schema --side --count --seed --invalid --labelled --dialect --resource
              --resource-dir -o --output -h --help" ;;
    diff)
        echo "--schema --side --format --fail-on --no-c-api --name --dialect --list -o --output
              -h --help" ;;
    esac
}

# Options that take a value (the next word).
_cardc_takes_value()
{
    case $1 in
    --card | --side | --schema | --dialect | --resource | --resource-dir | --jsonl | --ext | \
        --max-depth | --max-errors | --format | -o | --output | --name | --input | --image | \
        --prompt | --max-tokens | --backend | --base-url | --model | --account-id | \
        --timeout | --retries | --only | --exclude | --fail-on | --count | --seed | -j | --jobs | \
        --file-name | --batch | --poll-ms | --batch-timeout | --gateway | --duplicate-keys)
        return 0 ;;
    esac
    return 1
}

_cardc_files()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$1"))
    compopt -o filenames 2>/dev/null
}

_cardc_dirs()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$1"))
    compopt -o filenames 2>/dev/null
}

# Completes the value of option $2 of command $1 for the word $3.
_cardc_value()
{
    local command=$1 opt=$2 cur=$3 words=""
    case $opt in
    --side)
        if [[ $command == diff ]]; then words="input output both"; else words="input output"; fi ;;
    --dialect) words="draft7 2019-09 2020-12 draft6 draft4" ;;
    --format)
        case $command in
        validate) words="text json github junit" ;;
        lint) words="text json github sarif" ;;
        diff) words="text json github markdown" ;;
        *) words="text json" ;;
        esac ;;
    --fail-on) words="error warning info" ;;
    --duplicate-keys) words="last reject" ;;
    --backend) words="workers-ai openai" ;;
    --ext) words=".json .yaml .yml .jsonl" ;;
    --only | --exclude)
        # The rule IDs, from the installed cardc itself.
        words=$(cardc lint --list 2>/dev/null | cut -d' ' -f1) ;;
    -o | --output)
        if [[ $command == gen ]]; then _cardc_dirs "$cur"; else _cardc_files "$cur"; fi
        return ;;
    --card | --schema | --jsonl | --input | --image | --batch) _cardc_files "$cur"; return ;;
    *) COMPREPLY=(); return ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

_cardc()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="validate inspect schema gen run fetch-card lint sample diff help"
    local command="" i

    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then
            command=${COMP_WORDS[i]}
            break
        fi
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-h --help -V --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi
    if [[ $command == help ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    if [[ $COMP_CWORD -gt $((i + 1)) ]] && _cardc_takes_value "$prev"; then
        _cardc_value "$command" "$prev" "$cur"
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_cardc_options "$command")" -- "$cur"))
        return
    fi
    case $command in
    fetch-card) COMPREPLY=() ;; # a model name, e.g. @cf/llava-hf/llava-1.5-7b-hf
    *) _cardc_files "$cur" ;;  # cards, payloads, directories
    esac
}

complete -F _cardc cardc
