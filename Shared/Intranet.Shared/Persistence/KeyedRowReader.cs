using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Persistence;

/// <summary>
/// Reads a few columns of one row by primary key with plain ADO.NET on a pooled connection, for the reads every request
/// makes (the session check, a page's change stamp: issue #12). Creating a DbContext for them (its options, services and
/// model lookup, the query cache lookup) cost several times the query itself. The SQL is built once per context type,
/// entity and columns from the context's own EF model and the provider's identifier quoting, so it names the same table on
/// SQLite (prefixed), PostgreSQL and SQL Server (schemas) as EF does. On PostgreSQL the reads multiplex on a pool of their
/// own (<see cref="IntranetDatabase.PostgreSqlKeyedReadConnectionString"/>). One per host (singleton).
/// </summary>
public sealed class KeyedRowReader(IServiceScopeFactory scopes)
{
    private sealed record Plan(DbProviderFactory Factory, string ConnectionString, string Sql);

    private readonly ConcurrentDictionary<(Type Context, Type Entity, string Columns), Plan> plans = new();

    /// <summary>
    /// Reads <paramref name="columns"/> (property names of <typeparamref name="TEntity"/>, in that order) of the row whose
    /// single-column primary key is <paramref name="key"/>, mapping the reader's current row with <paramref name="read"/>;
    /// default when there is no such row.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEntity"/> is not mapped by <typeparamref name="TContext"/>, has no single-column key, or a column is not one of its properties.</exception>
    public async Task<T?> ReadAsync<TContext, TEntity, T>(object key, string[] columns, Func<DbDataReader, T> read, CancellationToken ct)
        where TContext : DbContext
    {
        var plan = plans.GetOrAdd((typeof(TContext), typeof(TEntity), string.Join(',', columns)), _ => Build<TContext, TEntity>(columns));
        await using var connection = plan.Factory.CreateConnection()!;
        connection.ConnectionString = plan.ConnectionString;
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = plan.Sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@key";
        parameter.Value = key;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct) ? read(reader) : default;
    }

    private Plan Build<TContext, TEntity>(string[] columns) where TContext : DbContext
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var entity = db.Model.FindEntityType(typeof(TEntity))
                     ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped by {typeof(TContext).Name}.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName(table)!);
        var keyProperty = entity.FindPrimaryKey()?.Properties is [var single] ? single
            : throw new InvalidOperationException($"{typeof(TEntity).Name} has no single-column primary key.");
        var selected = columns.Select(c => Column(entity.FindProperty(c) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has no property {c}.")));
        var connection = db.Database.GetDbConnection();
        return new Plan(DbProviderFactories.GetFactory(connection) ?? throw new InvalidOperationException("The provider has no DbProviderFactory."),
            // On PostgreSQL a multiplexing pool of its own (IntranetDatabase.PostgreSqlKeyedReadConnectionString).
            connection is Npgsql.NpgsqlConnection
                ? IntranetDatabase.PostgreSqlKeyedReadConnectionString(db.Database.GetConnectionString()!)
                : db.Database.GetConnectionString()!,
            $"SELECT {string.Join(", ", selected)} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {Column(keyProperty)} = @key");
    }
}

/// <summary>The change stamp read through <see cref="KeyedRowReader"/>.</summary>
public static class KeyedRowReaderExtensions
{
    /// <summary>
    /// The current <see cref="ChangeStamp"/> of <typeparamref name="TContext"/>'s schema, read fresh (as
    /// <see cref="ChangeStampedDbContext.ChangeStampAsync"/> reads it, without a context); <see cref="Guid.Empty"/> if the row is missing.
    /// </summary>
    public static Task<Guid> ChangeStampAsync<TContext>(this KeyedRowReader rows, CancellationToken ct) where TContext : ChangeStampedDbContext =>
        rows.ReadAsync<TContext, ChangeStamp, Guid>(ChangeStamp.RowId, [nameof(ChangeStamp.Stamp)], r => r.GetGuid(0), ct);
}
