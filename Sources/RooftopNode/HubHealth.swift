/// What the node's sync loop last learned about the hub.
public actor HubHealth {
    /// True after a successful sync, false after a failed one, nil before the first attempt.
    public private(set) var reachable: Bool?

    public init() {}

    func record(_ reachable: Bool) { self.reachable = reachable }
}
