import ArgumentParser
import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore

struct LoyaltyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalty", abstract: "Loyalty points: an append-only ledger of adds and redemptions.",
        subcommands: [Show.self, Add.self, Redeem.self, Declined.self, Rewards.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A customer's balance and ledger.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var customer: String

        func run() throws {
            guard let id = RowID(customer) else { throw CLIError("\(customer) is not a customer id (UUID)") }
            let account = try data.openReplica().loyalty(customer: id)
            print("balance: \(account.loyaltyPoints) points\(account.loyaltyTier.map { " (\($0))" } ?? "")")
            for e in account.events {
                print("\(e.createdAt)  \(e.rooftop)  \(e.kind == "Add" ? "+" : "-")\(e.points)  \(e.status)\(e.reason.map { "  \($0)" } ?? "")")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add points.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var customer: String
        @Argument(help: "Points (1-10000000).") var points: Int64
        @Option var reason: String?

        func run() throws { try record(.add, data, customer, points, reason) }
    }

    struct Redeem: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Redeem points or a reward (refused above the balance known here).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var customer: String
        @Argument(help: "Points (1-10000000); omit with --reward.") var points: Int64?
        @Option var reason: String?
        @Option(help: "A reward of the catalogue (its points cost).") var reward: String?

        func run() throws {
            guard points != nil || reward != nil else { throw CLIError("give the points to redeem, or --reward") }
            try record(.redeem, data, customer, points, reason, reward: reward)
        }
    }

    struct Rewards: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The rewards catalogue (active ones; add with `rooftop crm add loyalty-rewards`).")
        @OptionGroup var data: DataOptions
        @Flag(help: "Also inactive rewards.") var all = false
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            var query = ListQuery(CRMSchema.loyaltyReward, limit: CRMService.maxLimit)
            query.sort = "pointsCost"
            if !all { query.filters = [.init("active", .integer(1))] }
            let page = try CRMService(replica: data.openReplica()).list(query)
            try CRMCommand.printRows(page.items, json: json, nextCursor: page.nextCursor)
        }
    }

    struct Declined: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Redemptions declined because concurrent redemptions overdrew (follow up).")
        @OptionGroup var data: DataOptions

        func run() throws {
            let declined = try data.openReplica().declinedRedemptions()
            if declined.isEmpty { print("no declined redemptions") }
            for e in declined { print("\(e.createdAt)  \(e.rooftop)  -\(e.points)  \(e.id)\(e.reason.map { "  \($0)" } ?? "")") }
        }
    }

    static func record(_ kind: LoyaltyLedger.Event.Kind, _ data: DataOptions, _ customer: String, _ points: Int64?, _ reason: String?, reward: String? = nil) throws {
        guard let id = RowID(customer) else { throw CLIError("\(customer) is not a customer id (UUID)") }
        let account = try CRMService(replica: data.openReplica()).recordLoyalty(kind, points: points, reason: reason, reward: try reward.map(CRMCommand.id), customer: id)
        print("balance: \(account.loyaltyPoints) points")
    }
}
