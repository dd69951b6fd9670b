package chatapi.message;

/** ChatMessage.SpecialType, sent and accepted by name ("TransferedSession" is SuperOffice's spelling). */
public enum SpecialType {
    None, Welcome, Url, Block, NewSession, TransferedSession, Error, SessionDeleted, FaqSuccessQuestion,
    ClosedByUser, ClosedByCustomer, ClosedByIdle, TransferRejected, ReopenedByCustomer, ClickedOption,
    BotMessage, Options
}
