// Every test starts real server and CLI processes; two at a time keeps the two shared cores usable.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
