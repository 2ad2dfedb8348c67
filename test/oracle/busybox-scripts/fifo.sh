# Named pipes: mkfifo, then a writer and a reader through it.
mkfifo fifo; echo "mkfifo $?"
[ -p fifo ] && echo "is a fifo"
(echo through the fifo > fifo) &
cat fifo
wait
rm fifo; echo "rm $?"
