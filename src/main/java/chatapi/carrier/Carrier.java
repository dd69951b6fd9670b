package chatapi.carrier;

import static chatapi.carrier.Property.Kind.BOOL;
import static chatapi.carrier.Property.Kind.DATETIME;
import static chatapi.carrier.Property.Kind.DOUBLE;
import static chatapi.carrier.Property.Kind.FLAGS;
import static chatapi.carrier.Property.Kind.INT;
import static chatapi.carrier.Property.Kind.JSON;
import static chatapi.carrier.Property.carrier;
import static chatapi.carrier.Property.of;
import static chatapi.carrier.Property.string;

import java.util.List;

/**
 * The carriers of GET ChatSession/{id}: their properties in the order of SuperOffice's reference
 * sample, and the table each is stored in. This catalogue is the single description from which the
 * session query, the JSON writer and FieldProperties are derived; sql/V1__schema.sql holds the
 * matching columns (a test checks that every property has its column and length).
 */
public record Carrier(String name, String table, String alias, List<Property> properties) {

    public static final Carrier ASSOCIATE = new Carrier("Associate", "associate", null, List.of(
            of("AssociateId", INT), string("Name", 50), of("PersonId", INT), of("Rank", INT),
            string("Tooltip", 255), string("Type", 32), of("GroupIdx", INT), string("FullName", 255),
            string("FormalName", 255), of("Deleted", BOOL), of("EjUserId", INT), string("UserName", 255)));

    public static final Carrier PERSON = new Carrier("Person", "person", "p", List.of(
            string("Position", 255), of("PersonId", INT), string("Mrmrs", 32), string("Firstname", 255),
            string("Lastname", 255), string("MiddleName", 255), string("Title", 255),
            string("Description", 2000), string("Email", 254), string("FullName", 255),
            string("DirectPhone", 255), string("FormalName", 255), of("CountryId", INT), of("ContactId", INT),
            string("ContactName", 255), of("Retired", INT), of("Rank", INT), of("ActiveInterests", INT),
            string("ContactDepartment", 255), of("ContactCountryId", INT), string("ContactOrgNr", 32),
            string("FaxPhone", 255), string("MobilePhone", 255), string("ContactPhone", 255),
            string("AssociateName", 255), of("AssociateId", INT), of("UsePersonAddress", BOOL),
            string("ContactFax", 255), string("Kanafname", 255), string("Kanalname", 255),
            string("Post1", 255), string("Post2", 255), string("Post3", 255), string("EmailName", 254),
            string("ContactFullName", 255), of("ActiveErpLinks", INT), of("TicketPriorityId", INT),
            of("SupportLanguageId", INT), of("SupportAssociateId", INT), string("CategoryName", 255)));

    public static final Carrier CONTACT = new Carrier("Contact", "contact", "c", List.of(
            of("ContactId", INT), string("Name", 255), string("OrgNr", 32), string("Department", 255),
            string("URL", 255), string("City", 255), string("DirectPhone", 255), of("AssociateId", INT),
            of("CountryId", INT), string("EmailAddress", 254), string("Kananame", 255),
            string("EmailAddressName", 254), string("URLName", 255), string("AssociateFullName", 255),
            string("BusinessName", 255), string("CategoryName", 255), string("CountryName", 255),
            of("Address", JSON), string("FormattedAddress", 2000), string("FullName", 255),
            of("IsOwnerContact", BOOL), of("ActiveErpLinks", INT)));

    public static final Carrier PROJECT = new Carrier("Project", "project", "pr", List.of(
            of("ProjectId", INT), string("Name", 255), string("Description", 2000), string("URL", 255),
            string("Type", 255), of("AssociateId", INT), string("AssociateFullName", 255), of("TypeId", INT),
            of("Updated", DATETIME), of("StatusId", INT), string("Status", 255), of("TextId", INT),
            of("PublishTo", DATETIME), of("PublishFrom", DATETIME), of("IsPublished", BOOL),
            string("URLName", 255), string("ProjectNumber", 32), of("ActiveErpLinks", INT)));

    public static final Carrier SALE = new Carrier("Sale", "sale", "sa", List.of(
            string("ContactName", 255), of("SaleDate", DATETIME), of("SaleId", INT), of("Probability", INT),
            string("Title", 255), of("Amount", DOUBLE), string("Currency", 32), string("ProjectName", 255),
            string("AssociateFullName", 255), string("Description", 2000), string("Status", 32),
            of("WeightedAmount", DOUBLE), of("ProjectId", INT), of("EarningPercent", DOUBLE),
            of("Earning", DOUBLE), of("ContactId", INT), of("AssociateId", INT), of("PersonId", INT),
            of("SaleTypeId", INT), string("SaleTypeName", 255), string("PersonFullName", 255),
            string("Completed", 32), of("ActiveErpLinks", INT), of("NextDueDate", DATETIME),
            string("Number", 32)));

    public static final Carrier TICKET = new Carrier("Ticket", "ticket", "t", List.of(
            of("TicketId", INT), string("Title", 255), of("CreatedAt", DATETIME), of("LastChanged", DATETIME),
            of("ReadByOwner", DATETIME), of("ReadByCustomer", DATETIME), of("FirstReadByUser", DATETIME),
            of("Activate", DATETIME), of("ClosedAt", DATETIME), of("RepliedAt", DATETIME),
            of("AlertTimeout", DATETIME), of("Deadline", DATETIME), of("CreatedBy", INT),
            string("CreatedByName", 255), string("Author", 255), of("OwnedBy", INT), string("OwnedByName", 255),
            of("Category", INT), string("CategoryName", 255), string("CategoryFullname", 255),
            string("Slevel", 32), of("Priority", INT), string("PriorityName", 255), string("BaseStatus", 32),
            of("TicketStatus", INT), string("TicketStatusDisplayValue", 255), string("Origin", 32),
            of("CustId", INT), string("PersonFirstname", 255), string("PersonMiddleName", 255),
            string("PersonLastname", 255), string("PersonFullname", 255), of("AlertLevel", INT),
            of("ConnectId", INT), string("ReadStatus", 32), of("TimeToReply", INT), of("RealTimeToReply", INT),
            of("TimeToClose", INT), of("RealTimeToClose", INT), of("TimeSpentInternally", INT),
            of("TimeSpentExternally", INT), of("TimeSpentQueue", INT), of("RealTimeSpentInternally", INT),
            of("RealTimeSpentExternally", INT), of("RealTimeSpentQueue", INT), of("HasAttachment", BOOL),
            of("NumReplies", INT), of("NumMessages", INT), string("FromAddress", 254), of("ContactId", INT),
            string("ContactName", 255), of("OwnedByAssociateId", INT)));

    public static final Carrier CHAT_SESSION = new Carrier("ChatSessionEntity", "chat_session", "s", List.of(
            of("ChatSessionId", INT), of("TopicId", INT),
            carrier("User", "user_associate_id", ASSOCIATE.as("u")), carrier("Person", "person_id", PERSON),
            string("CustomerAlias", 255), string("CustomerHost", 255), string("CustomerName", 255),
            string("CustomerEmail", 254), string("CustomerPhone", 255), of("CustomerConsented", BOOL),
            string("CustomerCompanyName", 255), string("Status", 32), string("FirstMessage", 32000),
            string("LastMessage", 32000), of("WhenRequested", DATETIME), of("WhenStarted", DATETIME),
            of("WhenEnded", DATETIME), of("WhenIdle", DATETIME), of("WhenFetched", DATETIME),
            string("SessionKey", 255), of("InitialQueuePos", INT), of("AlertLevel", INT), of("Rank", INT),
            of("Flags", FLAGS), carrier("Contact", "contact_id", CONTACT), carrier("Project", "project_id", PROJECT),
            carrier("Sale", "sale_id", SALE), carrier("Ticket", "ticket_id", TICKET),
            carrier("TransferTo", "transfer_to_associate_id", ASSOCIATE.as("tr")),
            of("ChatbotIsActive", BOOL)));

    /** The same carrier joined under another SQL alias (the associate table is joined twice). */
    Carrier as(String otherAlias) {
        return new Carrier(name, table, otherAlias, properties);
    }

    /** The property of that name. */
    public Property property(String propertyName) {
        return properties.stream()
                .filter(p -> p.name().equals(propertyName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no property " + propertyName));
    }

    /** The property holding the primary key (the first INT property named *Id matching the table). */
    public Property key() {
        return properties.stream()
                .filter(p -> p.column().equals(table + "_id"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no key property for " + table));
    }
}
