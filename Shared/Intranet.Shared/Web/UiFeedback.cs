using Radzen;

namespace Intranet.Shared.Web;

/// <summary>
/// The suite's confirmations and notifications, worded once: every destructive action asks with
/// <see cref="ConfirmAsync"/>, every save ends with <see cref="Saved"/>.
/// </summary>
public static class UiFeedback
{
    /// <summary>Asks 「…よろしいですか?」 with Japanese buttons; true only when the user confirmed.</summary>
    public static async Task<bool> ConfirmAsync(this DialogService dialogs, string message, string title = "確認",
        string ok = "実行する", string cancel = "キャンセル") =>
        await dialogs.Confirm(message, title, new ConfirmOptions { OkButtonText = ok, CancelButtonText = cancel, CloseDialogOnEsc = true }) == true;

    /// <summary>A success notification: 「保存しました」 plus an optional detail.</summary>
    public static void Saved(this NotificationService notifications, string detail = "", string summary = "保存しました") =>
        notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = summary, Detail = detail, Duration = 5000 });

    /// <summary>An error notification for something that is not tied to a field (e.g. a concurrent change).</summary>
    public static void Failed(this NotificationService notifications, string detail, string summary = "保存できませんでした") =>
        notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Error, Summary = summary, Detail = detail, Duration = 10000 });
}
