extension CRMSchema {
    /// The journey stages, in the order a customer usually moves through them.
    public static let journeyStages = ["Awareness", "Consideration", "Purchase", "Ownership", "Service", "Repurchase"]

    /// `CustomerJourney` (design document), schema 4: one per customer, its id derived from the
    /// customer's (`merge-rules.md#journeys`), so journeys started at two rooftops are one row.
    /// Every stage change also writes a ``journeyStageEvent``: the history is the events in HLC order.
    public static let customerJourney = EntitySchema(table: "customerJourney", fields: [
        FieldSpec("customerId", .uuid, since: 4),
        FieldSpec("stage", .enumeration(journeyStages), since: 4),
        FieldSpec("substage", text, since: 4),
        FieldSpec("currentMilestone", text, since: 4),
        FieldSpec("nextMilestone", text, since: 4),
        FieldSpec("journeyStartDate", .dateTime, since: 4),
        FieldSpec("estimatedCompletionDate", .dateTime, since: 4),
        FieldSpec("assignedToId", .uuid, since: 4),
        FieldSpec("lastActivityDate", .dateTime, since: 4),
        FieldSpec("type", text, in: "nextScheduledActivity", since: 4),
        FieldSpec("date", .dateTime, in: "nextScheduledActivity", since: 4),
        FieldSpec("description", text, in: "nextScheduledActivity", since: 4),
        FieldSpec("journeyScore", .integer(0...1000), since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
    ], parentField: "customerId", resource: EntityResource(
        path: "journeys", name: "CustomerJourney", required: ["customerId", "stage"], filters: ["customerId", "stage", "assignedToId"],
        sorts: ["lastActivityDate", "createdAt", "updatedAt"],
        summary: "Where a customer is in the buying and ownership cycle; one per customer."), since: 4)

    /// A stage change of a journey: an append-only event (schema 4).
    public static let journeyStageEvent = EntitySchema(table: "journeyStageEvent", fields: [
        FieldSpec("customerId", .uuid, system: true, since: 4),
        FieldSpec("journeyId", .uuid, since: 4),
        FieldSpec("stage", .enumeration(journeyStages), since: 4),
        FieldSpec("substage", text, since: 4),
        FieldSpec("milestone", text, since: 4),
        FieldSpec("userId", .uuid, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
    ], parentField: "customerId", merge: .appendOnly, since: 4)

    /// The survey types.
    public static let surveyTypes = ["Sales Satisfaction", "Service Satisfaction", "NPS", "Custom"]

    /// `CustomerSurvey` (design document), schema 4. `responses` are ``surveyResponse`` rows and
    /// `overallScore` is derived from them.
    public static let customerSurvey = EntitySchema(table: "customerSurvey", fields: [
        FieldSpec("customerId", .uuid, since: 4),
        FieldSpec("surveyType", .enumeration(surveyTypes), since: 4),
        FieldSpec("relatedToType", text, since: 4),
        FieldSpec("relatedToId", .uuid, since: 4),
        FieldSpec("sentDate", .dateTime, since: 4),
        FieldSpec("completedDate", .dateTime, since: 4),
        FieldSpec("comments", longText, since: 4),
        FieldSpec("followUpRequired", .boolean, since: 4),
        FieldSpec("followUpAssignedToId", .uuid, since: 4),
        FieldSpec("followUpStatus", .enumeration(["Pending", "In Progress", "Completed", "No Action"]), since: 4),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
    ], parentField: "customerId", resource: EntityResource(
        path: "surveys", name: "CustomerSurvey", required: ["customerId", "surveyType"],
        filters: ["customerId", "surveyType", "followUpRequired", "followUpStatus", "followUpAssignedToId", "homeRooftop"],
        sorts: ["sentDate", "completedDate", "createdAt", "updatedAt"],
        summary: "A satisfaction or NPS survey sent to a customer, with its responses and follow-up."), since: 4)

    /// The answer types of a survey question.
    public static let responseTypes = ["Text", "Rating", "Boolean", "MultiChoice"]

    /// One answer of a survey (schema 4): its id derived from `(surveyId, questionId)`, so an
    /// answer recorded twice is one row (LWW per field). A child of the customer.
    public static let surveyResponse = EntitySchema(table: "surveyResponse", fields: [
        FieldSpec("customerId", .uuid, system: true, since: 4),
        FieldSpec("surveyId", .uuid, since: 4),
        FieldSpec("questionId", .uuid, since: 4),
        FieldSpec("question", text, since: 4),
        FieldSpec("responseType", .enumeration(responseTypes), since: 4),
        FieldSpec("response", longText, since: 4),
        FieldSpec("score", .integer(0...100), since: 4),
        FieldSpec("scale", .integer(1...100), since: 4, "the highest score of a Rating (NPS questions: 10)"),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
    ], parentField: "customerId", since: 4)

    /// The statuses of a scheduled interaction.
    public static let scheduledStatuses = ["Scheduled", "Completed", "Cancelled"]

    /// A future interaction with an assignee (schema 4): a follow-up call, a service reminder.
    /// Completing it records the ``customerInteraction`` it became (`interactionId`).
    public static let scheduledInteraction = EntitySchema(table: "scheduledInteraction", fields: [
        FieldSpec("customerId", .uuid, since: 4),
        FieldSpec("type", .enumeration(["Call", "Email", "SMS", "In-Person", "Web", "Social"]), since: 4),
        FieldSpec("direction", .enumeration(["Inbound", "Outbound"]), since: 4),
        FieldSpec("scheduledFor", .dateTime, since: 4),
        FieldSpec("assignedToId", .uuid, since: 4),
        FieldSpec("subject", text, since: 4),
        FieldSpec("content", longText, since: 4),
        FieldSpec("status", .enumeration(scheduledStatuses), since: 4),
        FieldSpec("interactionId", .uuid, since: 4, "the interaction recorded when it was completed"),
        FieldSpec("relatedToType", text, since: 4),
        FieldSpec("relatedToId", .uuid, since: 4),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
    ], parentField: "customerId", resource: EntityResource(
        path: "scheduled-interactions", name: "ScheduledInteraction", required: ["customerId", "type", "scheduledFor", "assignedToId"],
        filters: ["customerId", "assignedToId", "status", "type", "homeRooftop"], sorts: ["scheduledFor", "createdAt", "updatedAt"],
        summary: "A future interaction assigned to a user: a follow-up list per user and day."), since: 4)

    /// A reward of the loyalty catalogue (schema 4): redeeming it writes a ledger event naming it.
    public static let loyaltyReward = EntitySchema(table: "loyaltyReward", fields: [
        FieldSpec("name", text, since: 4),
        FieldSpec("description", longText, since: 4),
        FieldSpec("pointsCost", .integer(1...10_000_000), since: 4),
        FieldSpec("active", .boolean, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
    ], resource: EntityResource(
        path: "loyalty/rewards", name: "LoyaltyReward", required: ["name", "pointsCost"], filters: ["active"],
        sorts: ["pointsCost", "name", "createdAt"], summary: "The loyalty rewards catalogue: what points can be redeemed for."), since: 4)
}
