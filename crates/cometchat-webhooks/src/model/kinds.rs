//! The small closed vocabularies inside CometChat payloads. Each keeps values
//! it does not know in `Other`, so a new value never fails an event.

use super::string_enum::string_enum;

string_enum! {
    /// Whether a message or receipt goes to a user or a group.
    ReceiverType {
        /// A one-to-one conversation.
        User => "user",
        /// A group conversation.
        Group => "group",
    }
}

string_enum! {
    /// A message's category (`category`).
    MessageCategory {
        /// A user message: text or media.
        Message => "message",
        /// A system action: edit, delete, group membership change.
        Action => "action",
        /// A call signal.
        Call => "call",
        /// A custom message.
        Custom => "custom",
        /// An interactive message (forms, cards).
        Interactive => "interactive",
    }
}

string_enum! {
    /// A message's type (`type`): media kind for user messages, the action
    /// subject for actions, the call kind for calls.
    MessageType {
        /// Plain text.
        Text => "text",
        /// An image attachment.
        Image => "image",
        /// A video attachment.
        Video => "video",
        /// An audio attachment, or an audio call.
        Audio => "audio",
        /// A file attachment.
        File => "file",
        /// An action about another message (edit, delete).
        Message => "message",
        /// An action about group membership.
        GroupMember => "groupMember",
    }
}

string_enum! {
    /// A member's role in a group.
    GroupScope {
        /// Full control of the group.
        Admin => "admin",
        /// Can moderate members and messages.
        Moderator => "moderator",
        /// An ordinary member.
        Participant => "participant",
    }
}

string_enum! {
    /// Who can join a group.
    GroupType {
        /// Anyone can join.
        Public => "public",
        /// Members are added by others.
        Private => "private",
        /// Joining needs a password.
        Password => "password",
    }
}

string_enum! {
    /// A user's presence (`status`).
    UserStatus {
        /// Seen in message entities.
        Available => "available",
        /// Connected.
        Online => "online",
        /// Not connected.
        Offline => "offline",
    }
}

string_enum! {
    /// What an action message or a call signal reports (`data.action`).
    Action {
        /// A message was edited.
        Edited => "edited",
        /// A message was deleted.
        Deleted => "deleted",
        /// A call was started by the caller.
        Initiated => "initiated",
        /// A call was answered and is in progress.
        Ongoing => "ongoing",
        /// A call ended.
        Ended => "ended",
        /// The caller gave up before an answer.
        Cancelled => "cancelled",
        /// The callee declined.
        Rejected => "rejected",
        /// The callee was on another call.
        Busy => "busy",
        /// Nobody answered.
        Unanswered => "unanswered",
        /// A member joined a group.
        Joined => "joined",
        /// A member left a group.
        Left => "left",
        /// A member was kicked.
        Kicked => "kicked",
        /// A member was banned.
        Banned => "banned",
        /// A member was unbanned.
        Unbanned => "unbanned",
        /// A member was added.
        Added => "added",
        /// A member's scope changed.
        ScopeChanged => "scopeChanged",
    }
}

string_enum! {
    /// The state of a call (`status` of a call entity).
    CallStatus {
        /// Ringing.
        Initiated => "initiated",
        /// Answered and in progress.
        Ongoing => "ongoing",
        /// Over.
        Ended => "ended",
        /// Cancelled by the caller.
        Cancelled => "cancelled",
        /// Declined by the callee.
        Rejected => "rejected",
        /// The callee was busy.
        Busy => "busy",
        /// Nobody answered.
        Unanswered => "unanswered",
    }
}

string_enum! {
    /// The kind of an entity inside `data.entities` (`entityType`).
    EntityType {
        /// A user object.
        User => "user",
        /// A group object.
        Group => "group",
        /// A message object.
        Message => "message",
        /// A call object.
        Call => "call",
    }
}

string_enum! {
    /// What a receipt reports (`body.action`).
    ReceiptAction {
        /// Delivered to one recipient.
        Delivered => "delivered",
        /// Read by one recipient.
        Read => "read",
        /// Delivered to every group member.
        DeliveredToAll => "deliveredToAll",
        /// Read by every group member.
        ReadByAll => "readByAll",
    }
}

string_enum! {
    /// A connection change (`currentConnection.action`, legacy `event.type`).
    ConnectionAction {
        /// A client connected.
        Connected => "connected",
        /// A client disconnected.
        Disconnected => "disconnected",
    }
}

string_enum! {
    /// Moderation verdict on a message (`data.moderation.status`).
    ModerationStatus {
        /// Allowed through.
        Approved => "approved",
        /// Blocked.
        Disapproved => "disapproved",
        /// Waiting for a decision.
        Pending => "pending",
        /// Not moderated.
        Unmoderated => "unmoderated",
    }
}

string_enum! {
    /// Audio or video (`type` of a call).
    CallType {
        /// Audio only.
        Audio => "audio",
        /// With video.
        Video => "video",
    }
}
