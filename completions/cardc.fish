# SPDX-License-Identifier: MIT
# fish completion for cardc, installed as share/fish/vendor_completions.d/cardc.fish.
# Every option of every command's --help is here:
# tests/packaging/test_completions.py checks it.

set -l commands validate inspect schema gen run fetch-card lint sample diff help

function __cardc_using -a command
    set -l words (commandline -opc)
    for w in $words[2..-1]
        if not string match -q -- '-*' $w
            test "$w" = "$command"
            return
        end
    end
    return 1
end

function __cardc_rules
    cardc lint --list 2>/dev/null | string replace -r ' .*' ''
end

complete -c cardc -f
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'Show the help'
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -s V -l version -d 'Print the version'
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a validate -d "Validate payloads against a card's schema or a plain schema"
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a inspect -d "Print a card's metadata and schemas"
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a schema -d "Print one side's schema of a card as JSON"
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a gen -d 'Generate typed C bindings for cards or schemas'
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a run -d "Send one request to a card's model"
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a fetch-card -d "Write a Workers AI model's schemas as a JSON card"
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a lint -d 'Find defects in cards and schemas'
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a sample -d 'Print valid or invalid payloads made from a schema'
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a diff -d 'Compare two versions of a card or schema'
complete -c cardc -n "not __fish_seen_subcommand_from $commands" -a help -d 'Show the help of a command'
complete -c cardc -n '__cardc_using help' -a "$commands"

# Every command: -h/--help.
for c in validate inspect schema gen run fetch-card lint sample diff
    complete -c cardc -n "__cardc_using $c" -s h -l help -d 'Show the help'
end

# validate
complete -c cardc -n '__cardc_using validate' -F
complete -c cardc -n '__cardc_using validate' -l card -r -F -d 'Model card'
complete -c cardc -n '__cardc_using validate' -l side -x -a 'input output' -d 'Which schema of the card'
complete -c cardc -n '__cardc_using validate' -l schema -r -F -d 'A plain JSON Schema file'
complete -c cardc -n '__cardc_using validate' -l dialect -x -a 'draft7 2019-09 2020-12 draft6 draft4' -d 'Dialect without $schema'
complete -c cardc -n '__cardc_using validate' -l resource -x -d 'URI=FILE for $ref'
complete -c cardc -n '__cardc_using validate' -l resource-dir -x -d 'URI=DIR for $ref'
complete -c cardc -n '__cardc_using validate' -l assert-format -d 'Treat format as an assertion'
complete -c cardc -n '__cardc_using validate' -l jsonl -r -F -d 'One payload per line of FILE'
complete -c cardc -n '__cardc_using validate' -l ext -x -a '.json .yaml .yml .jsonl' -d 'File endings taken from a directory'
complete -c cardc -n '__cardc_using validate' -l yaml -d 'Read every payload as YAML'
complete -c cardc -n '__cardc_using validate' -l max-depth -x -d 'Nesting limit of a payload'
complete -c cardc -n '__cardc_using validate' -l duplicate-keys -x -a 'last reject' -d 'A member named twice'
complete -c cardc -n '__cardc_using validate' -l max-errors -x -d 'Errors reported per payload'
complete -c cardc -n '__cardc_using validate' -l apply-defaults -d 'Fill absent properties from default'
complete -c cardc -n '__cardc_using validate' -l print -d 'Print each valid payload as pretty JSON'
complete -c cardc -n '__cardc_using validate' -l format -x -a 'text json github junit' -d 'Report format'
complete -c cardc -n '__cardc_using validate' -s o -l output -r -F -d 'Write the verdicts to FILE'
complete -c cardc -n '__cardc_using validate' -s v -l verbose -d 'List valid payloads too'
complete -c cardc -n '__cardc_using validate' -s j -l jobs -x -d 'Validate on N threads'

# inspect
complete -c cardc -n '__cardc_using inspect' -F
complete -c cardc -n '__cardc_using inspect' -l format -x -a 'text json' -d 'Output format'
complete -c cardc -n '__cardc_using inspect' -s o -l output -r -F -d 'Write it to FILE'

# schema
complete -c cardc -n '__cardc_using schema' -F
complete -c cardc -n '__cardc_using schema' -l side -x -a 'input output' -d 'Which schema'
complete -c cardc -n '__cardc_using schema' -l compact -d 'One line instead of indented JSON'
complete -c cardc -n '__cardc_using schema' -s o -l output -r -F -d 'Write it to FILE'

# gen
complete -c cardc -n '__cardc_using gen' -l card -r -F -d 'Model card (repeatable)'
complete -c cardc -n '__cardc_using gen' -l schema -r -F -d 'A plain JSON Schema file'
complete -c cardc -n '__cardc_using gen' -l name -x -d 'C prefix of the generated names'
complete -c cardc -n '__cardc_using gen' -s o -l output -x -a '(__fish_complete_directories)' -d 'Output directory'
complete -c cardc -n '__cardc_using gen' -l file-name -x -d 'Write DIR/STEM.h and DIR/STEM.c'
complete -c cardc -n '__cardc_using gen' -l strip-path -d 'Name the card by its file name only'
complete -c cardc -n '__cardc_using gen' -l dialect -x -a 'draft7 2019-09 2020-12 draft6 draft4' -d 'Dialect without $schema'
complete -c cardc -n '__cardc_using gen' -l resource -x -d 'URI=FILE for $ref'
complete -c cardc -n '__cardc_using gen' -l resource-dir -x -d 'URI=DIR for $ref'
complete -c cardc -n '__cardc_using gen' -l assert-format -d 'The bindings treat format as an assertion'

# run
complete -c cardc -n '__cardc_using run' -l card -r -F -d 'Model card'
complete -c cardc -n '__cardc_using run' -l input -r -F -d 'The input as a JSON file'
complete -c cardc -n '__cardc_using run' -l image -r -F -d 'Build the input from an image'
complete -c cardc -n '__cardc_using run' -l prompt -x -d 'With --image: the prompt'
complete -c cardc -n '__cardc_using run' -l max-tokens -x -d 'With --image: max_tokens'
complete -c cardc -n '__cardc_using run' -l duplicate-keys -x -a 'last reject' -d 'A member named twice'
complete -c cardc -n '__cardc_using run' -l stream -d 'Ask for a streamed answer'
complete -c cardc -n '__cardc_using run' -l batch -r -F -d 'One input per line, sent to the Batch API'
complete -c cardc -n '__cardc_using run' -l force -d 'Send a batch for a card without async_queue'
complete -c cardc -n '__cardc_using run' -l poll-ms -x -d 'First wait before polling, ms'
complete -c cardc -n '__cardc_using run' -l batch-timeout -x -d 'Give up waiting after this long, seconds'
complete -c cardc -n '__cardc_using run' -l gateway -x -d 'Go through the Cloudflare AI Gateway of that id'
complete -c cardc -n '__cardc_using run' -l backend -x -a 'workers-ai openai' -d 'Backend'
complete -c cardc -n '__cardc_using run' -l base-url -x -d 'Server URL'
complete -c cardc -n '__cardc_using run' -l model -x -d 'Model name sent to the server'
complete -c cardc -n '__cardc_using run' -l account-id -x -d 'Workers AI account'
complete -c cardc -n '__cardc_using run' -l timeout -x -d 'Whole request, seconds'
complete -c cardc -n '__cardc_using run' -l retries -x -d 'Retries on connection errors, 429 and 5xx'
complete -c cardc -n '__cardc_using run' -s o -l output -r -F -d 'Write the output to FILE'

# fetch-card
complete -c cardc -n '__cardc_using fetch-card' -s o -l output -r -F -d 'The card to write'
complete -c cardc -n '__cardc_using fetch-card' -l base-url -x -d 'Server URL'
complete -c cardc -n '__cardc_using fetch-card' -l account-id -x -d 'Workers AI account'
complete -c cardc -n '__cardc_using fetch-card' -l timeout -x -d 'Whole request, seconds'
complete -c cardc -n '__cardc_using fetch-card' -l retries -x -d 'Retries on connection errors, 429 and 5xx'

# lint
complete -c cardc -n '__cardc_using lint' -F
complete -c cardc -n '__cardc_using lint' -l schema -r -F -d 'Lint a plain JSON Schema file'
complete -c cardc -n '__cardc_using lint' -l list -d 'List the rules and exit'
complete -c cardc -n '__cardc_using lint' -l only -x -a '(__cardc_rules)' -d 'Run only these rules'
complete -c cardc -n '__cardc_using lint' -l exclude -x -a '(__cardc_rules)' -d 'Skip these rules'
complete -c cardc -n '__cardc_using lint' -l format -x -a 'text json github sarif' -d 'Report format'
complete -c cardc -n '__cardc_using lint' -l fail-on -x -a 'error warning info' -d 'Level from which the exit status is 1'
complete -c cardc -n '__cardc_using lint' -l fix -d 'Apply the certain fixes in place'
complete -c cardc -n '__cardc_using lint' -l dialect -x -a 'draft7 2019-09 2020-12 draft6 draft4' -d 'Dialect without $schema'
complete -c cardc -n '__cardc_using lint' -s o -l output -r -F -d 'Write the findings to FILE'

# sample
complete -c cardc -n '__cardc_using sample' -F
complete -c cardc -n '__cardc_using sample' -l schema -r -F -d 'A plain JSON Schema instead of a card'
complete -c cardc -n '__cardc_using sample' -l side -x -a 'input output' -d 'The card side'
complete -c cardc -n '__cardc_using sample' -l count -x -d 'Payloads to print'
complete -c cardc -n '__cardc_using sample' -l seed -x -d 'The seed'
complete -c cardc -n '__cardc_using sample' -l invalid -d 'Payloads that break one keyword each'
complete -c cardc -n '__cardc_using sample' -l labelled -d 'Print labelled objects instead of bare payloads'
complete -c cardc -n '__cardc_using sample' -l dialect -x -a 'draft7 2019-09 2020-12 draft6 draft4' -d 'Dialect without $schema'
complete -c cardc -n '__cardc_using sample' -l resource -x -d 'URI=FILE for $ref'
complete -c cardc -n '__cardc_using sample' -l resource-dir -x -d 'URI=DIR for $ref'
complete -c cardc -n '__cardc_using sample' -s o -l output -r -F -d 'Write to FILE'

# diff
complete -c cardc -n '__cardc_using diff' -F
complete -c cardc -n '__cardc_using diff' -l schema -d 'OLD and NEW are plain JSON Schemas'
complete -c cardc -n '__cardc_using diff' -l side -x -a 'input output both' -d 'The sides compared'
complete -c cardc -n '__cardc_using diff' -l format -x -a 'text json github markdown' -d 'Report format'
complete -c cardc -n '__cardc_using diff' -l fail-on -x -a 'error warning info' -d 'Level from which the exit status is 1'
complete -c cardc -n '__cardc_using diff' -l no-c-api -d 'Skip the C API comparison'
complete -c cardc -n '__cardc_using diff' -l name -x -d 'C prefix'
complete -c cardc -n '__cardc_using diff' -l dialect -x -a 'draft7 2019-09 2020-12 draft6 draft4' -d 'Dialect without $schema'
complete -c cardc -n '__cardc_using diff' -l list -d 'List the checks and exit'
complete -c cardc -n '__cardc_using diff' -s o -l output -r -F -d 'Write the report to FILE'
