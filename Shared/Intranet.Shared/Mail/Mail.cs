using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Intranet.Shared.Mail;

/// <summary>Sends plain-text mail through the city's SMTP server when one is configured (<see cref="SmtpSettings"/>).</summary>
public interface IMailSender
{
    /// <summary>True when an SMTP host is configured; otherwise <see cref="SendAsync"/> sends nothing and returns 0.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Sends one mail to each address of <paramref name="to"/> (UTF-8, plain text). Returns how many the server accepted.
    /// A failure for one address is logged and does not stop the others.
    /// </summary>
    Task<int> SendAsync(IReadOnlyList<string> to, string subject, string body, CancellationToken ct);
}

/// <summary>
/// The <c>Mail</c> section of the configuration: <c>Mail:SmtpHost</c> (empty = no mail), <c>Mail:SmtpPort</c> (25),
/// <c>Mail:From</c>, <c>Mail:EnableSsl</c> (false), <c>Mail:UserName</c> and <c>Mail:Password</c> (optional).
/// </summary>
public sealed class SmtpSettings
{
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    public string From { get; set; } = "intranet@localhost";
    public bool EnableSsl { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>Reads the <c>Mail</c> section.</summary>
    public static SmtpSettings Read(IConfiguration configuration) => configuration.GetSection("Mail").Get<SmtpSettings>() ?? new SmtpSettings();
}

/// <summary>
/// <see cref="IMailSender"/> over <see cref="SmtpClient"/> (the framework's client: enough for plain notices to an internal
/// relay, which is what a city's SMTP server is; no package needed).
/// </summary>
public sealed class SmtpMailSender(SmtpSettings settings, ILogger<SmtpMailSender> logger) : IMailSender
{
    /// <inheritdoc />
    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.SmtpHost);

    /// <inheritdoc />
    public async Task<int> SendAsync(IReadOnlyList<string> to, string subject, string body, CancellationToken ct)
    {
        if (!IsConfigured || to.Count == 0) return 0;
        using var client = new SmtpClient(settings.SmtpHost!, settings.SmtpPort) { EnableSsl = settings.EnableSsl };
        if (!string.IsNullOrEmpty(settings.UserName)) client.Credentials = new NetworkCredential(settings.UserName, settings.Password);
        var sent = 0;
        foreach (var address in to)
        {
            try
            {
                using var message = new MailMessage(settings.From, address, subject, body)
                {
                    SubjectEncoding = System.Text.Encoding.UTF8, BodyEncoding = System.Text.Encoding.UTF8,
                };
                await client.SendMailAsync(message, ct);
                sent++;
            }
            catch (Exception e) when (e is SmtpException or FormatException or InvalidOperationException)
            {
                logger.LogWarning(e, "Mail to {Address} failed", address);
            }
        }
        return sent;
    }
}

/// <summary>Who to notify: the host answers from its identity store.</summary>
public interface IUserDirectory
{
    /// <summary>E-mail addresses of the enabled users of <paramref name="department"/> holding <paramref name="role"/>.</summary>
    Task<IReadOnlyList<string>> EmailsAsync(string department, string role, CancellationToken ct);
}
