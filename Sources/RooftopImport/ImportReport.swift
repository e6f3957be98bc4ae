/// What an import did. Re-importing the same file reports everything as already imported.
public struct ImportReport: Sendable, Equatable, CustomStringConvertible {
    /// Customers created.
    public var customersCreated = 0
    /// Leads attached to a customer already in the replica (same e-mail or phone).
    public var customersMatched = 0
    /// Interactions recorded (one per lead).
    public var interactions = 0
    /// Vehicles recorded (of interest, traded in or offered).
    public var vehicles = 0
    /// Records skipped because an earlier import already brought them in.
    public var alreadyImported = 0
    /// Records skipped, with the reason (line or prospect number first).
    public var rejected: [String] = []
    /// Columns of a CSV file that name no field (not imported).
    public var ignoredColumns: [String] = []

    public init() {}

    public var description: String {
        var parts = ["\(customersCreated) customers created"]
        if customersMatched > 0 { parts.append("\(customersMatched) matched to existing customers") }
        if interactions > 0 { parts.append("\(interactions) interactions") }
        if vehicles > 0 { parts.append("\(vehicles) vehicles") }
        if alreadyImported > 0 { parts.append("\(alreadyImported) already imported") }
        if !rejected.isEmpty { parts.append("\(rejected.count) rejected") }
        return parts.joined(separator: ", ")
    }
}
