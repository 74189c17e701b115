import { Injectable } from '@nestjs/common';
import { EntityManager, Repository } from 'typeorm';
import { InjectUserServicePgsql } from '../../gen/userservice/user-service.toolkit';
import { DeadlineBound, PgsqlPlugin } from '../../plugins/pgsql';
import { InjectOutboxWriter, OutboxWriter } from '../../plugins/queue';
import { UserEntity } from './user.entity';
import { USER_CREATED, USER_UPDATED, userEvent } from './user.events';

/** Fields a caller may set; absent fields are left as they are. */
export interface UserChanges {
  name?: string;
  email?: string;
}

/** One page of users and how many match in total. */
export interface UserPage {
  users: UserEntity[];
  total: number;
}

/** `%`, `_` and `\` match literally inside an ILIKE pattern. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * PostgreSQL access for users. Throws the driver's errors; the service decides what they mean.
 * Creates and updates write their `user.created` / `user.updated` event into the outbox in the same
 * transaction, so an event exists exactly when its change was committed.
 */
@Injectable()
export class UserRepository {
  private readonly users: Repository<UserEntity>;

  constructor(
    @InjectUserServicePgsql() private readonly pgsql: PgsqlPlugin,
    @InjectOutboxWriter() private readonly outbox: OutboxWriter,
  ) {
    this.users = pgsql.dataSource.getRepository(UserEntity);
  }

  create(fields: { name: string; email: string }, bound?: DeadlineBound): Promise<UserEntity> {
    return this.pgsql.transaction(async (manager) => {
      const inserted = await this.usersOf(manager)
        .createQueryBuilder()
        .insert()
        .values(fields)
        .returning('*')
        .execute();
      const user = this.users.create(this.fromRaw(inserted.raw));
      await this.outbox.add(manager, USER_CREATED, userEvent(USER_CREATED, user));
      return user;
    }, bound);
  }

  findById(id: string, bound?: DeadlineBound): Promise<UserEntity | null> {
    return this.pgsql.read(() => this.users.findOneBy({ id }), bound);
  }

  /** Case-insensitive, as the unique index on lower(email) that serves it. */
  findByEmail(email: string, bound?: DeadlineBound): Promise<UserEntity | null> {
    return this.pgsql.read(
      () =>
        this.users
          .createQueryBuilder('user')
          .where('lower(user.email) = lower(:email)', { email })
          .getOne(),
      bound,
    );
  }

  /** The updated user, or null when no user has this id (then no event is written). */
  update(id: string, changes: UserChanges, bound?: DeadlineBound): Promise<UserEntity | null> {
    return this.pgsql.transaction(async (manager) => {
      const result = await this.usersOf(manager)
        .createQueryBuilder()
        .update()
        .set({ ...changes, updatedAt: () => 'now()' })
        .where('id = :id', { id })
        .returning('*')
        .execute();
      if (!result.affected) return null;
      const user = this.users.create(this.fromRaw(result.raw));
      await this.outbox.add(manager, USER_UPDATED, userEvent(USER_UPDATED, user));
      return user;
    }, bound);
  }

  /** True when a user was deleted. */
  async delete(id: string, bound?: DeadlineBound): Promise<boolean> {
    const result = await this.pgsql.transaction(
      (manager) => this.usersOf(manager).delete({ id }),
      bound,
    );
    return (result.affected ?? 0) > 0;
  }

  /** Oldest first; `search` matches name or email, case-insensitively, as a plain substring. */
  list(limit: number, offset: number, search?: string, bound?: DeadlineBound): Promise<UserPage> {
    return this.pgsql.read(() => this.listOnce(limit, offset, search), bound);
  }

  private async listOnce(limit: number, offset: number, search?: string): Promise<UserPage> {
    const query = this.users.createQueryBuilder('user');
    if (search) {
      query.where(
        "(user.name ILIKE :pattern ESCAPE '\\' OR user.email ILIKE :pattern ESCAPE '\\')",
        {
          pattern: `%${escapeLikePattern(search)}%`,
        },
      );
    }
    const [users, total] = await query
      .orderBy('user.created_at', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { users, total };
  }

  private usersOf(manager: EntityManager): Repository<UserEntity> {
    return manager.getRepository(UserEntity);
  }

  /** RETURNING rows come back with column names; map them onto the entity's properties. */
  private fromRaw(raw: unknown): Partial<UserEntity> {
    const [row] = raw as Record<string, unknown>[];
    return {
      id: row.id as string,
      name: row.name as string,
      email: row.email as string,
      createdAt: new Date(row.created_at as string | Date),
      updatedAt: new Date(row.updated_at as string | Date),
    };
  }
}
